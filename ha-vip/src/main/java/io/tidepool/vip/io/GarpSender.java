package io.tidepool.vip.io;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.jspecify.annotations.Nullable;

/**
 * Gratuitous ARP in keepalived's format ({@code vrrp_arp.c}): an ARP request with sender = target = VIP, target MAC
 * ff:ff:ff:ff:ff:ff, to the Ethernet broadcast, from the interface MAC. Without it a client kept the old MAC for 44 s
 * (VRRP-NOTES §5.5). Sent from an AF_PACKET socket opened with protocol 0 so that it receives nothing.
 *
 * <p>Opened on the starting thread, then used only by the VRRP thread; one preallocated frame per send.
 */
public final class GarpSender implements AutoCloseable {
    /** Ethernet header (14) + ARP for IPv4 over Ethernet (28). */
    public static final int FRAME_LENGTH = 42;
    private static final short ETH_P_ARP = 0x0806;

    private final Syscalls sys;
    private final int fd;
    private final String interfaceName;
    private final byte[] mac;
    private final MemorySegment frame;
    private final ByteBuffer frameView;
    private final MemorySegment broadcast;

    public GarpSender(NetInterface netInterface, Arena arena) {
        this.sys = new Syscalls(arena);
        this.interfaceName = netInterface.name();
        this.mac = netInterface.mac();
        this.frame = arena.allocate(FRAME_LENGTH, 8);
        this.frameView = frame.asByteBuffer();
        this.broadcast = arena.allocate(20, 4);                   // struct sockaddr_ll
        broadcast.set(ValueLayout.JAVA_SHORT_UNALIGNED, 0, (short) Syscalls.AF_PACKET);
        broadcast.set(ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN), 2, ETH_P_ARP);
        broadcast.set(ValueLayout.JAVA_INT_UNALIGNED, 4, netInterface.index());
        broadcast.set(ValueLayout.JAVA_BYTE, 11, (byte) 6);       // sll_halen
        for (int i = 0; i < 6; i++) {
            broadcast.set(ValueLayout.JAVA_BYTE, 12 + i, (byte) 0xff);
        }
        int socket = sys.socket(Syscalls.AF_PACKET, Syscalls.SOCK_RAW | Syscalls.SOCK_CLOEXEC, 0);
        if (socket < 0) {
            throw sys.failure("AF_PACKET socket for gratuitous ARP on " + interfaceName, "CAP_NET_RAW");
        }
        this.fd = socket;
    }

    /** Writes keepalived's gratuitous ARP frame for {@code address} from {@code mac} into {@code out} at 0. */
    public static void encode(ByteBuffer out, byte[] mac, int address) {
        out.order(ByteOrder.BIG_ENDIAN);
        for (int i = 0; i < 6; i++) {
            out.put(i, (byte) 0xff);                 // Ethernet destination: broadcast
            out.put(6 + i, mac[i]);                  // Ethernet source: the interface
            out.put(22 + i, mac[i]);                 // ARP sender hardware address
            out.put(32 + i, (byte) 0xff);            // ARP target hardware address, as keepalived
        }
        out.putShort(12, ETH_P_ARP);
        out.putShort(14, (short) 1);                 // hardware type Ethernet
        out.putShort(16, (short) 0x0800);            // protocol type IPv4
        out.put(18, (byte) 6);
        out.put(19, (byte) 4);
        out.putShort(20, (short) 1);                 // opcode: request
        out.putInt(28, address);                     // sender protocol address = VIP
        out.putInt(38, address);                     // target protocol address = VIP
    }

    /** Sends one gratuitous ARP; returns null or the error text (a failed GARP is logged, never fatal). */
    public @Nullable String send(int address) {
        encode(frameView, mac, address);
        long sent = sys.sendto(fd, frame, FRAME_LENGTH, 0, broadcast, 20);
        return sent == FRAME_LENGTH ? null : sys.describe("gratuitous ARP sendto on " + interfaceName);
    }

    @Override
    public void close() {
        sys.close(fd);
    }
}
