"""Splits recorded streams into messages. split.py <case-dir> prints a summary;
imported by extract.py."""
import os, re, struct, sys

def load(path):
    header, data, reads = [], b'', []
    for line in open(path):
        line = line.rstrip('\n')
        if line.startswith('#'):
            header.append(line)
        elif line.strip():
            b = bytes.fromhex(line.replace(' ', ''))
            reads.append(b); data += b
    return header, data, reads

STARTUP_NAMES = {80877103: 'SSLRequest', 80877104: 'GSSENCRequest', 80877102: 'CancelRequest'}

def split_frontend(data):
    out, i, startup = [], 0, True
    while i < len(data):
        if startup:
            n, code = struct.unpack('!ii', data[i:i + 8])
            name = STARTUP_NAMES.get(code, 'StartupMessage')
            out.append((name, data[i:i + n])); i += n
            if name in ('StartupMessage', 'CancelRequest'):
                startup = False
            continue
        t = data[i:i + 1]; n = struct.unpack('!i', data[i + 1:i + 5])[0]
        out.append((t.decode('latin1'), data[i:i + 1 + n])); i += 1 + n
    return out

def split_backend(data, answers):
    out, i = [], 0
    for _ in range(answers):
        out.append(('answer', data[i:i + 1])); i += 1
    while i < len(data):
        t = data[i:i + 1]; n = struct.unpack('!i', data[i + 1:i + 5])[0]
        out.append((t.decode('latin1'), data[i:i + 1 + n])); i += 1 + n
    return out

def connections(case_dir):
    for f in sorted(os.listdir(case_dir)):
        m = re.match(r'conn-(\d+)-frontend.hex', f)
        if not m:
            continue
        n = m.group(1)
        fh, fd, fr = load(os.path.join(case_dir, f))
        bh, bd, br = load(os.path.join(case_dir, 'conn-%s-backend.hex' % n))
        if not fd and not bd:
            continue
        fm = split_frontend(fd)
        answers = sum(1 for name, _ in fm if name in ('SSLRequest', 'GSSENCRequest'))
        yield n, (fh, fd, fr, fm), (bh, bd, br, split_backend(bd, answers))

if __name__ == '__main__':
    for d in sys.argv[1:]:
        for n, fe, be in connections(d):
            print(os.path.basename(d), n, 'F:', ' '.join(x for x, _ in fe[3]), '| B:', ' '.join(x for x, _ in be[3]))
