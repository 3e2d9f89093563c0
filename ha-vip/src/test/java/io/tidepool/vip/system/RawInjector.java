package io.tidepool.vip.system;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.ByteOrder;

/**
 * A hostile VRRP sender for the system tests: a raw socket with protocol IPPROTO_RAW (which implies IP_HDRINCL), so
 * the test controls every IP header byte, TTL included. The kernel fills in the IP checksum and total length. Create
 * and use it on one thread inside the sending namespace.
 */
@SuppressWarnings("restricted")
final class RawInjector implements AutoCloseable {
    private static final Linker LINKER = Linker.nativeLinker();
    private static final MethodHandle SOCKET = handle("socket", FunctionDescriptor.of(ValueLayout.JAVA_INT,
            ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
    private static final MethodHandle SENDTO = handle("sendto", FunctionDescriptor.of(ValueLayout.JAVA_LONG,
            ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT,
            ValueLayout.ADDRESS, ValueLayout.JAVA_INT));
    private static final MethodHandle CLOSE = handle("close", FunctionDescriptor.of(ValueLayout.JAVA_INT,
            ValueLayout.JAVA_INT));

    private final Arena arena = Arena.ofConfined();
    private final int fd;

    RawInjector() {
        try {
            fd = (int) SOCKET.invokeExact(2 /* AF_INET */, 3 /* SOCK_RAW */, 255 /* IPPROTO_RAW */);
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
        if (fd < 0) {
            throw new IllegalStateException("raw socket for injection failed");
        }
    }

    private static MethodHandle handle(String name, FunctionDescriptor descriptor) {
        return LINKER.downcallHandle(LINKER.defaultLookup().find(name).orElseThrow(), descriptor);
    }

    /** Sends {@code vrrp} in an IPv4 packet {@code src -> dst} with the given TTL. */
    void send(int src, int dst, int ttl, byte[] vrrp) {
        MemorySegment packet = arena.allocate(20 + vrrp.length);
        var buf = packet.asByteBuffer().order(ByteOrder.BIG_ENDIAN);
        buf.put(0, (byte) 0x45).put(1, (byte) 0xc0).putShort(2, (short) (20 + vrrp.length));
        buf.put(8, (byte) ttl).put(9, (byte) 112).putInt(12, src).putInt(16, dst);
        MemorySegment.copy(MemorySegment.ofArray(vrrp), 0, packet, 20, vrrp.length);
        MemorySegment to = arena.allocate(16);
        to.set(ValueLayout.JAVA_SHORT, 0, (short) 2);
        to.asByteBuffer().order(ByteOrder.BIG_ENDIAN).putInt(4, dst);
        long sent;
        try {
            sent = (long) SENDTO.invokeExact(fd, packet, packet.byteSize(), 0, to, 16);
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
        if (sent != packet.byteSize()) {
            throw new IllegalStateException("inject sendto returned " + sent);
        }
    }

    @Override
    public void close() {
        try {
            int ignored = (int) CLOSE.invokeExact(fd);
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
        arena.close();
    }
}
