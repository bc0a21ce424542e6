#!/usr/bin/env python3
"""Regenerate the seed corpora under tests/fuzz/corpus/ from the unit tests'
tables (tests/unit/check_*.c): every table row `{ __LINE__, "desc", ... }`
gives the C string literal the harness takes as input. Run it from the top of
the tree after changing a table: python3 tests/fuzz/seeds.py
Files it did not write (hand-made seeds, the crash reproducers) are kept."""
import os
import re
import sys

ESC = {'n': 10, 'r': 13, 't': 9, '0': 0, '\\': 92, '"': 34, "'": 39, 'a': 7,
       'b': 8, 'f': 12, 'v': 11, 'e': 27, '?': 63}
# Macros the tables use inside string arguments.
MACROS = {'ETAG': '"\\"abc\\""', 'D_EQ': '"Sun, 06 Nov 1994 08:49:37 GMT"',
          'D_OLD': '"Sun, 06 Nov 1994 08:49:36 GMT"',
          'D_NEW': '"Sun, 06 Nov 1994 08:49:38 GMT"'}


def literal(src, i):
    """Decode the C string literal at src[i] == '"'; (bytes, index after it)."""
    out = bytearray()
    i += 1
    while src[i] != '"':
        c = src[i]
        if c != '\\':
            out += c.encode()
            i += 1
            continue
        n = src[i + 1]
        if n == 'x':
            m = re.match(r'[0-9a-fA-F]+', src[i + 2:])
            out.append(int(m.group(0), 16) & 0xff)
            i += 2 + len(m.group(0))
        elif n in '01234567':
            m = re.match(r'[0-7]{1,3}', src[i + 1:])
            out.append(int(m.group(0), 8) & 0xff)
            i += 1 + len(m.group(0))
        else:
            out.append(ESC[n])
            i += 2
    return bytes(out), i + 1


# check_proxy_proto.c's macros, in the order that expands the nested ones.
PROXY_MACROS = {
    'Z216': 'Z72 Z72 Z72', 'Z72': 'Z8 Z8 Z8 Z8 Z8 Z8 Z8 Z8 Z8', 'Z8': '"\\0\\0\\0\\0\\0\\0\\0\\0"',
    'SIG': '"\\r\\n\\r\\n\\0\\r\\nQUIT\\n"',
    'A4': '"\\xc0\\x00\\x02\\x01\\x0a\\x00\\x00\\x01\\x30\\x39\\x00\\x50"',
    'A6': '"\\x20\\x01\\x0d\\xb8\\0\\0\\0\\0\\0\\0\\0\\0\\0\\0\\0\\x01'
          '\\x20\\x01\\x0d\\xb8\\0\\0\\0\\0\\0\\0\\0\\0\\0\\0\\0\\x02\\x01\\xbb\\x20\\xfb"',
    'REQ_GET': '"GET / HTTP/1.1\\r\\nHost: a\\r\\n\\r\\n"',
    'F39': '"ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"',
}


def rows(path, macros=MACROS):
    """Each table row as a list of its top-level arguments; an argument is
    (text, [bytes of each string group in it])."""
    src = open(path, encoding='utf-8').read()
    for k, v in macros.items():
        src = re.sub(r'\b%s\b' % k, lambda m, v=v: v, src)
    for m in re.finditer(r'\{\s*__LINE__\s*,', src):
        i, depth, args, cur, strs, prev_str = m.start() + 1, 1, [], '', [], False
        while depth:
            c = src[i]
            if c == '"':
                start = i
                s, i = literal(src, i)
                if prev_str:
                    strs[-1] += s
                else:
                    strs.append(s)
                prev_str = True
                cur += src[start:i]
                continue
            if not c.isspace():
                prev_str = False
            if c in '({[':
                depth += 1
            elif c in ')}]':
                depth -= 1
            if c == ',' and depth == 1:
                args.append((cur.strip(), strs))
                cur, strs = '', []
            elif depth:
                cur += c
            i += 1
        args.append((cur.strip(), strs))
        yield src.count('\n', 0, m.start()) + 1, args


def slug(line, desc):
    s = re.sub(r'[^A-Za-z0-9]+', '-', desc.decode('latin-1')).strip('-').lower()
    return 'L%d-%s' % (line, s[:48])


def write(name, fname, data):
    d = os.path.join('tests/fuzz/corpus', name)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, fname), 'wb') as f:
        f.write(data)


def first_strings(unit, name, arg=2, macros=MACROS):
    """The string in argument `arg` (after __LINE__ and the description)."""
    for line, args in rows('tests/unit/check_%s.c' % unit, macros):
        if len(args) > arg and args[1][1] and args[arg][1]:
            write(name, slug(line, args[1][1][0]), args[arg][1][0])


def cond_seeds():
    """http_cond's input: byte 0 flags (1 POST, 2 empty representation, 4 no
    entity tag), byte 1 the fields present (1 If-Match, 2 If-None-Match,
    4 If-Modified-Since, 8 If-Unmodified-Since, 16 If-Range, 32 Range),
    then the six values in that order, each ending in '\\n'."""
    keys = ['im', 'inm', 'ims', 'ius', 'ir', 'range']
    for line, args in rows('tests/unit/check_http_cond.c'):
        if len(args) < 3 or not args[1][1]:
            continue
        text, strs = args[2]
        if text.startswith('{'):
            vals, flags = {}, 0
            for k, v in re.findall(r'\.(\w+)\s*=\s*("(?:[^"\\]|\\.)*"(?:\s*"(?:[^"\\]|\\.)*")*|\w+)', text):
                if v.startswith('"'):
                    vals[k] = b''.join(literal(q, 0)[0] for q in re.findall(r'"(?:[^"\\]|\\.)*"', v))
                elif v == 'true':
                    flags |= {'post': 1, 'empty': 2, 'no_etag': 4}.get(k, 0)
            mask = sum(1 << n for n, k in enumerate(keys) if k in vals)
            data = bytes([flags, mask]) + b''.join(vals.get(k, b'') + b'\n' for k in keys)
        elif strs:
            # A date row: the date as If-Modified-Since and If-Unmodified-Since.
            data = bytes([0, 4 | 8]) + b'\n\n' + strs[0] + b'\n' + strs[0] + b'\n\n\n'
        else:
            continue
        write('http_cond', slug(line, args[1][1][0]), data)


def main():
    if not os.path.isdir('tests/unit'):
        sys.exit('seeds.py: run me from the top of the pfhttpd tree')
    first_strings('http_parse', 'http_parse')
    first_strings('uri', 'uri')
    first_strings('chunked', 'chunked')
    first_strings('accept_enc', 'accept_enc')
    first_strings('cgi_hdr', 'cgi_hdr')
    first_strings('proxy_proto', 'proxy_proto', macros=PROXY_MACROS)
    cond_seeds()
    # conf: the err_cases rows (file, then text) and the check_cases rows.
    for line, args in rows('tests/unit/check_conf.c'):
        strs = [s for _, ss in args[2:] for s in ss]
        cands = [s for s in strs if b'=' in s or b';' in s]
        if args[1][1] and cands:
            write('conf', slug(line, args[1][1][0]), cands[0])
    for f in ('etc/pfhttpd.conf', 'etc/pfhttpd-local.conf'):
        write('conf', os.path.basename(f), open(f, 'rb').read())


main()
