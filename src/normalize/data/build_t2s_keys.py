"""Regenerates t2s_keys.txt beside this file (one-off; not run by the build).

Input: the four dictionaries the OpenCC configuration Hk2s converts with (HKVariantsRevPhrases,
HKVariantsRev, TSPhrases, TSCharacters), as the Rust crate ferrous-opencc 0.4.0 ships them in
`assets/dictionaries/` and embeds them. Output: every key of them, one per line, sorted: text in
which none of these keys occurs is left unchanged by the conversion, and `text::to_simplified`
returns it without converting.

usage: python3 build_t2s_keys.py ~/.cargo/registry/src/*/ferrous-opencc-0.4.0/assets/dictionaries
"""
import os, sys

DICTS = ['HKVariantsRevPhrases.txt', 'HKVariantsRev.txt', 'TSPhrases.txt', 'TSCharacters.txt']
HERE = os.path.dirname(os.path.abspath(__file__))

keys = set()
for name in DICTS:
    with open(os.path.join(sys.argv[1], name), encoding='utf-8') as f:
        for line in f:
            # As the crate's dictionary compiler reads them: comments and blank lines skipped,
            # key TAB values. Every key is taken, even of a line the compiler would refuse: a key
            # too many only costs a conversion.
            line = line.rstrip('\r\n')
            if not line.strip() or line.strip().startswith('#'):
                continue
            key = line.split('\t')[0]
            assert key and not any(c.isspace() for c in key), (name, line)
            keys.add(key)
with open(os.path.join(HERE, 't2s_keys.txt'), 'w', encoding='utf-8', newline='\n') as f:
    for key in sorted(keys):
        f.write(key + '\n')
print(len(keys), 'keys')
