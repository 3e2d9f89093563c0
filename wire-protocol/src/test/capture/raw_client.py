"""Raw protocol client for captures libpq/pgjdbc cannot produce: StartupMessage 3.2, Flush, Execute row limit,
Describe/Close of named objects. Usage: raw_client.py <port> <scenario>"""
import socket, struct, sys

def startup(version, params):
    body = struct.pack('!i', version) + b''.join(k.encode() + b'\0' + v.encode() + b'\0' for k, v in params) + b'\0'
    return struct.pack('!i', len(body) + 4) + body

def msg(t, body=b''):
    return t + struct.pack('!i', len(body) + 4) + body

def read_until(s, types, stop=b'Z'):
    got = b''
    while True:
        hdr = b''
        while len(hdr) < 5:
            chunk = s.recv(5 - len(hdr))
            if not chunk:
                return got
            hdr += chunk
        n = struct.unpack('!i', hdr[1:5])[0] - 4
        body = b''
        while len(body) < n:
            body += s.recv(n - len(body))
        got += hdr[:1]
        if hdr[:1] in stop:
            return got

port = int(sys.argv[1]); scenario = sys.argv[2]
s = socket.create_connection(('127.0.0.1', port))
if scenario == 'negotiate':
    s.sendall(startup(196610, [('user', 'postgres'), ('database', 'postgres'), ('_pq_.tidepool_test', '1')]))
    print(read_until(s, None))
    s.sendall(msg(b'X'))
elif scenario == 'extended':
    s.sendall(startup(196608, [('user', 'postgres'), ('database', 'postgres')]))
    read_until(s, None)
    # Named statement, Describe statement, then Flush: the server must answer before any Sync.
    s.sendall(msg(b'P', b'tp_stmt\0select id, name from t where id > $1 order by id\0' + struct.pack('!hi', 1, 23)))
    s.sendall(msg(b'D', b'Stp_stmt\0'))
    s.sendall(msg(b'H'))
    print(read_until(s, None, stop=b'Tn'))
    # Bind with a text parameter and binary result for column 0, Execute with row limit 2 -> PortalSuspended.
    s.sendall(msg(b'B', b'tp_portal\0tp_stmt\0' + struct.pack('!hh', 1, 0) + struct.pack('!hi', 1, 1) + b'0'
                  + struct.pack('!hhh', 2, 1, 0)))
    s.sendall(msg(b'D', b'Ptp_portal\0'))
    s.sendall(msg(b'E', b'tp_portal\0' + struct.pack('!i', 2)))
    s.sendall(msg(b'H'))
    print(read_until(s, None, stop=b's'))
    s.sendall(msg(b'E', b'tp_portal\0' + struct.pack('!i', 0)))
    s.sendall(msg(b'C', b'Ptp_portal\0'))
    s.sendall(msg(b'C', b'Stp_stmt\0'))
    s.sendall(msg(b'S'))
    print(read_until(s, None))
    # Unnamed statement with a NULL parameter, no result columns: NoData.
    s.sendall(msg(b'P', b'\0set application_name = \'golden\'\0' + struct.pack('!h', 0)))
    s.sendall(msg(b'B', b'\0\0' + struct.pack('!hhh', 0, 0, 0)))
    s.sendall(msg(b'D', b'P\0'))
    s.sendall(msg(b'E', b'\0' + struct.pack('!i', 0)))
    s.sendall(msg(b'S'))
    print(read_until(s, None))
    # A NULL parameter (length -1) in Bind.
    s.sendall(msg(b'P', b'\0select $1::text is null\0' + struct.pack('!h', 0)))
    s.sendall(msg(b'B', b'\0\0' + struct.pack('!h', 0) + struct.pack('!hi', 1, -1) + struct.pack('!h', 0)))
    s.sendall(msg(b'E', b'\0' + struct.pack('!i', 0)))
    s.sendall(msg(b'S'))
    print(read_until(s, None))
    s.sendall(msg(b'X'))
s.close()
