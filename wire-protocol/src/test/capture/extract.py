"""Writes per-message golden fixtures and whole streams into wire-protocol's test resources."""
import os, sys
sys.path.insert(0, os.path.dirname(__file__))
from split import connections

DEST = '/work/wt-wire/wire-protocol/src/test/resources/golden'
CASES = '/tmp/wirecap/cases'
F, B = 'frontend', 'backend'
# (fixture, case, connection, direction, message type or startup name, occurrence counted from 1)
SPEC = [
    ('StartupMessage-psql', 'simple', '2', F, 'StartupMessage', 1),
    ('StartupMessage-protocol32', 'negotiate', '2', F, 'StartupMessage', 1),
    ('StartupMessage-replication', 'replication', '2', F, 'StartupMessage', 1),
    ('SSLRequest-psql', 'ssl', '2', F, 'SSLRequest', 1),
    ('GSSENCRequest-pgjdbc', 'jdbc-gssenc', '2', F, 'GSSENCRequest', 1),
    ('CancelRequest-psql', 'cancel', '3', F, 'CancelRequest', 1),
    ('Query-select1', 'simple', '2', F, 'Q', 1),
    ('Query-semicolon', 'empty', '2', F, 'Q', 1),
    ('Parse-named-with-types', 'raw-extended', '2', F, 'P', 1),
    ('Parse-pgjdbc', 'jdbc-extended', '2', F, 'P', 1),
    ('Bind-pgjdbc', 'jdbc-extended', '2', F, 'B', 1),
    ('Bind-binary-result', 'raw-extended', '2', F, 'B', 1),
    ('Bind-null-parameter', 'raw-extended', '2', F, 'B', 3),
    ('Describe-statement', 'raw-extended', '2', F, 'D', 1),
    ('Describe-portal', 'raw-extended', '2', F, 'D', 2),
    ('Execute-row-limit', 'raw-extended', '2', F, 'E', 1),
    ('Execute-pgjdbc', 'jdbc-extended', '2', F, 'E', 1),
    ('Close-portal', 'raw-extended', '2', F, 'C', 1),
    ('Close-statement', 'raw-extended', '2', F, 'C', 2),
    ('Sync-pgjdbc', 'jdbc-extended', '2', F, 'S', 1),
    ('Flush-raw', 'raw-extended', '2', F, 'H', 1),
    ('Terminate-psql', 'simple', '2', F, 'X', 1),
    ('FunctionCall-lo_creat', 'lo-import', '2', F, 'F', 1),
    ('FunctionCall-lowrite', 'lo-import', '2', F, 'F', 3),
    ('CopyData-copy-in', 'copy-in', '2', F, 'd', 1),
    ('CopyData-standby-status', 'replication', '2', F, 'd', 1),
    ('CopyDone-psql', 'copy-in', '2', F, 'c', 1),
    ('CopyFail-pgjdbc', 'jdbc-copyfail', '2', F, 'f', 1),
    ('PasswordMessage-md5', 'md5', '2', F, 'p', 1),
    ('PasswordMessage-cleartext', 'cleartext', '2', F, 'p', 1),
    ('SASLInitialResponse-scram', 'scram', '2', F, 'p', 1),
    ('SASLResponse-scram', 'scram', '2', F, 'p', 2),
    ('AuthenticationOk-trust', 'simple', '2', B, 'R', 1),
    ('AuthenticationMD5Password-md5', 'md5', '2', B, 'R', 1),
    ('AuthenticationCleartextPassword-password', 'cleartext', '2', B, 'R', 1),
    ('AuthenticationSASL-scram', 'scram', '2', B, 'R', 1),
    ('AuthenticationSASLContinue-scram', 'scram', '2', B, 'R', 2),
    ('AuthenticationSASLFinal-scram', 'scram', '2', B, 'R', 3),
    ('AuthenticationGSS-gss', 'gss', '2', B, 'R', 1),
    ('ParameterStatus-application_name', 'simple', '2', B, 'S', 1),
    ('BackendKeyData-psql', 'simple', '2', B, 'K', 1),
    ('ReadyForQuery-idle', 'simple', '2', B, 'Z', 1),
    ('ReadyForQuery-in-transaction', 'txn', '2', B, 'Z', 2),
    ('ReadyForQuery-failed', 'txn', '2', B, 'Z', 3),
    ('ErrorResponse-division-by-zero', 'error', '2', B, 'E', 1),
    ('NoticeResponse-raise', 'notice', '2', B, 'N', 1),
    ('NegotiateProtocolVersion-protocol32', 'negotiate', '2', B, 'v', 1),
    ('RowDescription-select-t', 'select-t', '2', B, 'T', 1),
    ('DataRow-select-t', 'select-t', '2', B, 'D', 1),
    ('DataRow-binary', 'raw-extended', '2', B, 'D', 1),
    ('CommandComplete-select', 'select-t', '2', B, 'C', 1),
    ('CommandComplete-copy', 'copy-in', '2', B, 'C', 1),
    ('EmptyQueryResponse-psql', 'empty', '2', B, 'I', 1),
    ('NotificationResponse-notify', 'notify', '2', B, 'A', 1),
    ('ParameterDescription-int4', 'raw-extended', '2', B, 't', 1),
    ('NoData-set', 'raw-extended', '2', B, 'n', 1),
    ('PortalSuspended-row-limit', 'raw-extended', '2', B, 's', 1),
    ('ParseComplete-raw', 'raw-extended', '2', B, '1', 1),
    ('BindComplete-raw', 'raw-extended', '2', B, '2', 1),
    ('CloseComplete-raw', 'raw-extended', '2', B, '3', 1),
    ('CopyInResponse-psql', 'copy-in', '2', B, 'G', 1),
    ('CopyOutResponse-psql', 'copy-out', '2', B, 'H', 1),
    ('CopyBothResponse-pg_receivewal', 'replication', '2', B, 'W', 1),
    ('CopyData-copy-out', 'copy-out', '2', B, 'd', 1),
    ('CopyDone-copy-out', 'copy-out', '2', B, 'c', 1),
    ('FunctionCallResponse-lo_creat', 'lo-import', '2', B, 'V', 1),
    ('FunctionCallResponse-lowrite', 'lo-import', '2', B, 'V', 3),
]

def hexlines(b):
    return ''.join(' '.join('%02x' % x for x in b[i:i + 16]) + '\n' for i in range(0, len(b), 16))

conns = {}
for case in sorted(os.listdir(CASES)):
    d = os.path.join(CASES, case)
    if os.path.isdir(d):
        for n, fe, be in connections(d):
            conns[(case, n)] = {F: fe, B: be}

for sub in (F, B, 'streams'):
    os.makedirs(os.path.join(DEST, sub), exist_ok=True)
for fixture, case, n, direction, kind, occurrence in SPEC:
    header, data, reads, messages = conns[(case, n)][direction]
    hits = [(i, m) for i, (k, m) in enumerate(messages) if k == kind]
    index, message = hits[occurrence - 1]
    with open(os.path.join(DEST, direction, fixture + '.hex'), 'w') as out:
        for line in header[:3]:
            out.write(line + '\n')
        out.write('#   message %d (of %d) of connection %s, %s\n' % (index + 1, len(messages), n, direction))
        out.write(hexlines(message))
# Whole streams (one line per socket read, as recorded) for the fragmentation tests.
for (case, n), sides in sorted(conns.items()):
    for direction in (F, B):
        header, data, reads, messages = sides[direction]
        if not data or len(data) > 64 * 1024:
            continue
        src = os.path.join(CASES, case, 'conn-%s-%s.hex' % (n, direction))
        name = '%s-conn%s-%s.hex' % (case, n, direction)
        with open(src) as f, open(os.path.join(DEST, 'streams', name), 'w') as out:
            out.write(f.read())
print('ok', len(SPEC))
