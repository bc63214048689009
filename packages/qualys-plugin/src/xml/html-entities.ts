/**
 * Named entities beyond XML's five. Qualys text occasionally carries HTML ones (`&nbsp;`, `&eacute;`, `&trade;`);
 * a strict XML parser knows only `&amp;`, `&lt;`, `&gt;`, `&quot;` and `&apos;`, so the parsers' table adds the 248
 * of HTML 4: the set sax decodes, so text reads here as it does in sax-based (xml2js) readers of the same API.
 */

/** `name hex-code-point` pairs of the HTML 4 entities. */
const HTML_ENTITIES =
    'AElig c6 Aacute c1 Acirc c2 Agrave c0 Aring c5 Atilde c3 Auml c4 Ccedil c7 ETH d0 Eacute c9 Ecirc ca ' +
    'Egrave c8 Euml cb Iacute cd Icirc ce Igrave cc Iuml cf Ntilde d1 Oacute d3 Ocirc d4 Ograve d2 Oslash d8 ' +
    'Otilde d5 Ouml d6 THORN de Uacute da Ucirc db Ugrave d9 Uuml dc Yacute dd aacute e1 acirc e2 aelig e6 ' +
    'agrave e0 aring e5 atilde e3 auml e4 ccedil e7 eacute e9 ecirc ea egrave e8 eth f0 euml eb iacute ed ' +
    'icirc ee igrave ec iuml ef ntilde f1 oacute f3 ocirc f4 ograve f2 oslash f8 otilde f5 ouml f6 szlig df ' +
    'thorn fe uacute fa ucirc fb ugrave f9 uuml fc yacute fd yuml ff copy a9 reg ae nbsp a0 iexcl a1 cent a2 ' +
    'pound a3 curren a4 yen a5 brvbar a6 sect a7 uml a8 ordf aa laquo ab not ac shy ad macr af deg b0 ' +
    'plusmn b1 sup1 b9 sup2 b2 sup3 b3 acute b4 micro b5 para b6 middot b7 cedil b8 ordm ba raquo bb ' +
    'frac14 bc frac12 bd frac34 be iquest bf times d7 divide f7 OElig 152 oelig 153 Scaron 160 scaron 161 ' +
    'Yuml 178 fnof 192 circ 2c6 tilde 2dc Alpha 391 Beta 392 Gamma 393 Delta 394 Epsilon 395 Zeta 396 Eta 397 ' +
    'Theta 398 Iota 399 Kappa 39a Lambda 39b Mu 39c Nu 39d Xi 39e Omicron 39f Pi 3a0 Rho 3a1 Sigma 3a3 ' +
    'Tau 3a4 Upsilon 3a5 Phi 3a6 Chi 3a7 Psi 3a8 Omega 3a9 alpha 3b1 beta 3b2 gamma 3b3 delta 3b4 epsilon 3b5 ' +
    'zeta 3b6 eta 3b7 theta 3b8 iota 3b9 kappa 3ba lambda 3bb mu 3bc nu 3bd xi 3be omicron 3bf pi 3c0 rho 3c1 ' +
    'sigmaf 3c2 sigma 3c3 tau 3c4 upsilon 3c5 phi 3c6 chi 3c7 psi 3c8 omega 3c9 thetasym 3d1 upsih 3d2 ' +
    'piv 3d6 ensp 2002 emsp 2003 thinsp 2009 zwnj 200c zwj 200d lrm 200e rlm 200f ndash 2013 mdash 2014 ' +
    'lsquo 2018 rsquo 2019 sbquo 201a ldquo 201c rdquo 201d bdquo 201e dagger 2020 Dagger 2021 bull 2022 ' +
    'hellip 2026 permil 2030 prime 2032 Prime 2033 lsaquo 2039 rsaquo 203a oline 203e frasl 2044 euro 20ac ' +
    'image 2111 weierp 2118 real 211c trade 2122 alefsym 2135 larr 2190 uarr 2191 rarr 2192 darr 2193 ' +
    'harr 2194 crarr 21b5 lArr 21d0 uArr 21d1 rArr 21d2 dArr 21d3 hArr 21d4 forall 2200 part 2202 exist 2203 ' +
    'empty 2205 nabla 2207 isin 2208 notin 2209 ni 220b prod 220f sum 2211 minus 2212 lowast 2217 radic 221a ' +
    'prop 221d infin 221e ang 2220 and 2227 or 2228 cap 2229 cup 222a int 222b there4 2234 sim 223c cong 2245 ' +
    'asymp 2248 ne 2260 equiv 2261 le 2264 ge 2265 sub 2282 sup 2283 nsub 2284 sube 2286 supe 2287 oplus 2295 ' +
    'otimes 2297 perp 22a5 sdot 22c5 lceil 2308 rceil 2309 lfloor 230a rfloor 230b lang 2329 rang 232a ' +
    'loz 25ca spades 2660 clubs 2663 hearts 2665 diams 2666';

function entityTable(): Readonly<Record<string, string>> {
    // No prototype: a reference such as `&constructor;` or `&__proto__;` must not resolve to anything.
    const table: Record<string, string> = Object.create(null) as Record<string, string>;
    Object.assign(table, { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" });
    const pairs = HTML_ENTITIES.split(' ');
    for (let index = 0; index < pairs.length; index += 2) {
        table[pairs[index]] = String.fromCodePoint(parseInt(pairs[index + 1], 16));
    }
    return Object.freeze(table);
}

/** Entity name -> the character it stands for, for every named entity the parsers decode. */
export const NAMED_ENTITIES = entityTable();
