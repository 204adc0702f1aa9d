#! /bin/sh
# gen-xml.sh -- write the XML document the libxml2 benchmark parses.
#
# Copyright (C) 2026 The ulp authors.
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Usage: gen-xml.sh ITEMS > FILE
#
# A catalogue of ITEMS items (20,000 make about 5.5 MB), each with
# attributes, a namespaced element, nested elements, text, character
# references and a comment now and then, so that a parse goes through
# the tokenizer, attribute and namespace handling, the dictionary and
# the tree builder rather than one loop.  The content is a function of
# the item number only (the Park-Miller sequence, exact in any awk's
# doubles): every run writes the same bytes.

set -eu
items=${1:-20000}
${AWK:-awk} -v items="$items" 'BEGIN {
  split ("alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu", w, " ")
  split ("red green blue", types, " ")
  seed = 12345
  print "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
  print "<catalog xmlns=\"urn:ulp:bench\" xmlns:x=\"urn:ulp:extra\" version=\"1\">"
  for (i = 1; i <= items; i++) {
    seed = (seed * 16807) % 2147483647
    t = types[seed % 3 + 1]
    price = (seed % 100000) / 100
    printf "  <item id=\"i%d\" type=\"%s\" rank=\"%d\">\n", i, t, seed % 97
    printf "    <name>%s %s &amp; %s #%d</name>\n", w[seed % 12 + 1], w[int (seed / 12) % 12 + 1], w[int (seed / 144) % 12 + 1], i
    printf "    <price currency=\"EUR\">%.2f</price>\n", price
    printf "    <x:stock where=\"w%d\">%d</x:stock>\n", seed % 5, seed % 1000
    printf "    <tags>"
    for (k = 0; k < seed % 4 + 1; k++)
      printf "<tag>%s</tag>", w[int (seed / (k + 3)) % 12 + 1]
    printf "</tags>\n"
    printf "    <desc>The %s item &#x2014; %s, %s and %s.</desc>\n", t, w[(i + 1) % 12 + 1], w[(i + 5) % 12 + 1], w[(i + 7) % 12 + 1]
    if (i % 50 == 0)
      printf "    <!-- group %d -->\n", i / 50
    print "  </item>"
  }
  print "</catalog>"
}'
