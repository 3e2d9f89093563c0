package io.tidepool.vip.io;

import io.tidepool.vip.vrrp.Ipv4;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.jspecify.annotations.Nullable;

/**
 * The two raw IPv4 sockets for IP protocol 112, as keepalived has them ({@code open_vrrp_send_socket},
 * {@code open_vrrp_read_socket}). Binding a raw socket also filters what it receives by destination
 * ({@code raw_v4_match}), so the send socket is bound to our source address and the receive socket is not (multicast:
 * it joins 224.0.0.18 on the interface; unicast: it is bound to our source address, where the peers send).
 *
 * <p>Opened on the starting thread, then used only by the VRRP thread. {@link #send} and {@link #receive} use
 * preallocated segments and allocate nothing.
 */
public final class VrrpSocket implements AutoCloseable {
    /** Big enough for any IPv4 packet on a 9000-byte jumbo link; VRRP needs at most 60 + 1036. */
    public static final int RECEIVE_BUFFER = 9216;
    private static final int PROTOCOL = 112;
    private static final ValueLayout.OfInt BE_INT = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final ValueLayout.OfShort NATIVE_SHORT = ValueLayout.JAVA_SHORT_UNALIGNED;

    private final Syscalls sys;
    private final String interfaceName;
    private final int txFd;
    private final int rxFd;
    private final MemorySegment sendBuffer;
    private final ByteBuffer sendView;
    private final MemorySegment receiveBuffer;
    private final ByteBuffer receiveView;
    private final MemorySegment destination;
    private final MemorySegment pollFd;

    /**
     * @param unicastSource our source address; in unicast mode also where the receive socket is bound
     * @param unicast       whether adverts go to unicast_peer addresses instead of 224.0.0.18
     */
    public VrrpSocket(NetInterface netInterface, int unicastSource, boolean unicast, Arena arena) {
        this.sys = new Syscalls(arena);
        this.interfaceName = netInterface.name();
        sendBuffer = arena.allocate(2048, 8);
        sendView = sendBuffer.asByteBuffer().order(ByteOrder.BIG_ENDIAN);
        receiveBuffer = arena.allocate(RECEIVE_BUFFER, 8);
        receiveView = receiveBuffer.asByteBuffer().order(ByteOrder.BIG_ENDIAN);
        destination = sockaddrIn(arena, 0);
        pollFd = arena.allocate(8, 4);
        MemorySegment device = arena.allocateFrom(interfaceName);
        MemorySegment zero = arena.allocateFrom(ValueLayout.JAVA_INT, 0);
        MemorySegment ttl255 = arena.allocateFrom(ValueLayout.JAVA_INT, 255);
        MemorySegment tos = arena.allocateFrom(ValueLayout.JAVA_INT, 0xc0);    // keepalived: internetwork control
        MemorySegment mreqn = arena.allocate(12, 4);
        mreqn.set(BE_INT, 0, Ipv4.VRRP_GROUP);
        mreqn.set(BE_INT, 4, unicastSource);
        mreqn.set(ValueLayout.JAVA_INT, 8, netInterface.index());

        int tx = open("send");
        int rx = -1;
        try {
            option(tx, Syscalls.SOL_SOCKET, Syscalls.SO_BINDTODEVICE, device, "SO_BINDTODEVICE");
            option(tx, Syscalls.IPPROTO_IP, Syscalls.IP_TTL, ttl255, "IP_TTL");      // RFC 5798 §5.1.1.3: TTL 255
            option(tx, Syscalls.IPPROTO_IP, Syscalls.IP_MULTICAST_TTL, ttl255, "IP_MULTICAST_TTL");
            option(tx, Syscalls.IPPROTO_IP, Syscalls.IP_MULTICAST_LOOP, zero, "IP_MULTICAST_LOOP");
            option(tx, Syscalls.IPPROTO_IP, Syscalls.IP_TOS, tos, "IP_TOS");
            option(tx, Syscalls.IPPROTO_IP, Syscalls.IP_MULTICAST_IF, mreqn, "IP_MULTICAST_IF");
            bind(tx, sockaddrIn(arena, unicastSource), "send socket");

            rx = open("receive");
            option(rx, Syscalls.SOL_SOCKET, Syscalls.SO_BINDTODEVICE, device, "SO_BINDTODEVICE");
            option(rx, Syscalls.IPPROTO_IP, Syscalls.IP_MULTICAST_ALL, zero, "IP_MULTICAST_ALL");
            if (unicast) {
                bind(rx, sockaddrIn(arena, unicastSource), "receive socket");
            } else {
                option(rx, Syscalls.IPPROTO_IP, Syscalls.IP_ADD_MEMBERSHIP, mreqn, "IP_ADD_MEMBERSHIP 224.0.0.18");
            }
        } catch (RuntimeException e) {
            sys.close(tx);
            if (rx >= 0) {
                sys.close(rx);
            }
            throw e;
        }
        txFd = tx;
        rxFd = rx;
        pollFd.set(ValueLayout.JAVA_INT, 0, rxFd);
        pollFd.set(NATIVE_SHORT, 4, Syscalls.POLLIN);
    }

    private int open(String role) {
        int fd = sys.socket(Syscalls.AF_INET, Syscalls.SOCK_RAW | Syscalls.SOCK_CLOEXEC, PROTOCOL);
        if (fd < 0) {
            throw sys.failure("raw IPv4 socket (protocol 112) for VRRP " + role + " on " + interfaceName,
                    "CAP_NET_RAW");
        }
        return fd;
    }

    private void option(int fd, int level, int option, MemorySegment value, String name) {
        if (sys.setsockopt(fd, level, option, value, (int) value.byteSize()) < 0) {
            throw sys.failure("setsockopt " + name + " on " + interfaceName, "CAP_NET_RAW");
        }
    }

    private void bind(int fd, MemorySegment address, String what) {
        if (sys.bind(fd, address, 16) < 0) {
            throw sys.failure("bind " + what + " to " + Ipv4.toString(address.get(BE_INT, 4))
                    + " (is it an address of " + interfaceName + "?)", "CAP_NET_RAW");
        }
    }

    private static MemorySegment sockaddrIn(Arena arena, int address) {
        MemorySegment sa = arena.allocate(16, 4);
        sa.set(NATIVE_SHORT, 0, (short) Syscalls.AF_INET);
        sa.set(BE_INT, 4, address);
        return sa;
    }

    /** The buffer to encode the next advert into (VRRP message at index 0; the kernel adds the IP header). */
    public ByteBuffer sendBuffer() {
        return sendView;
    }

    /** Sends {@code length} bytes of {@link #sendBuffer()} to {@code dstIp}; returns null or the error text. */
    public @Nullable String send(int length, int dstIp) {
        destination.set(BE_INT, 4, dstIp);
        long sent = sys.sendto(txFd, sendBuffer, length, 0, destination, 16);
        return sent == length ? null : sys.describe("sendto " + Ipv4.toString(dstIp));
    }

    /**
     * Waits up to {@code timeoutMillis} for one packet and copies it into {@link #receiveBuffer()}.
     *
     * @return the IPv4 packet length (header included), or 0 when nothing arrived in time
     */
    public int receive(int timeoutMillis) {
        int ready = sys.poll(pollFd, 1, timeoutMillis);
        if (ready <= 0) {
            if (ready < 0 && sys.errno() != Syscalls.EINTR) {
                throw new VipIoException(sys.describe("poll on VRRP socket"), sys.errno());
            }
            return 0;
        }
        long n = sys.recv(rxFd, receiveBuffer, RECEIVE_BUFFER, Syscalls.MSG_DONTWAIT);
        if (n < 0) {
            if (sys.errno() == Syscalls.EAGAIN || sys.errno() == Syscalls.EINTR) {
                return 0;
            }
            throw new VipIoException(sys.describe("recv on VRRP socket"), sys.errno());
        }
        return (int) n;
    }

    /** The last received IPv4 packet, big-endian, index 0 = IP header. */
    public ByteBuffer receiveBuffer() {
        return receiveView;
    }

    @Override
    public void close() {
        sys.close(txFd);
        sys.close(rxFd);
    }
}
