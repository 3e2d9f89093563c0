package io.tidepool.pooler.client;

import io.tidepool.wire.backend.BackendKeyData;
import io.tidepool.wire.frontend.CancelRequest;
import org.jspecify.annotations.Nullable;

import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The pooler's own cancel keys (promise P12): every client gets a random process id and a random 4-byte secret
 * (protocol 3.0), never a server's. A CancelRequest is looked up by process id and the secret compared in constant
 * time; a wrong or stale key does nothing.
 *
 * <p>Thread-safe: keys are issued on any loop and cancel requests arrive on any loop.
 */
public final class CancelRegistry {
    private final SecureRandom random = new SecureRandom();
    private final ConcurrentHashMap<Integer, ClientSession> byProcessId = new ConcurrentHashMap<>();

    /** Issues a key for {@code client}; the process id is unique among live clients. */
    public BackendKeyData register(ClientSession client) {
        byte[] secret = new byte[4];
        random.nextBytes(secret);
        while (true) {
            int pid = random.nextInt(1, Integer.MAX_VALUE);
            if (byProcessId.putIfAbsent(pid, client) == null) {
                return new BackendKeyData(pid, secret);
            }
        }
    }

    public void unregister(ClientSession client, BackendKeyData key) {
        byProcessId.remove(key.processId(), client);
    }

    /** The client this request is for, when its secret matches. */
    public @Nullable ClientSession find(CancelRequest request) {
        ClientSession client = byProcessId.get(request.processId());
        if (client == null) {
            return null;
        }
        BackendKeyData key = client.cancelKeyOrNull();
        return key != null && MessageDigest.isEqual(key.secretKey(), request.secretKey()) ? client : null;
    }
}
