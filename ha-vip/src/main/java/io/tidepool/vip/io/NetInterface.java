package io.tidepool.vip.io;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * One network interface: index, MAC (ioctl SIOCGIFHWADDR; {@code /sys} shows the wrong namespace after unshare,
 * VRRP-NOTES §5.4), primary IPv4 address (SIOCGIFADDR) and link state (SIOCGIFFLAGS, IFF_UP and IFF_RUNNING) for
 * track_interface. {@link #linkUp()} reuses one preallocated {@code struct ifreq}: it runs on the VRRP thread.
 */
public final class NetInterface implements AutoCloseable {
    private static final int IFNAMSIZ = 16;
    private static final int IFREQ_SIZE = 40;
    private static final short IFF_UP = 0x1;
    private static final short IFF_RUNNING = 0x40;

    private final String name;
    private final Syscalls sys;
    private final int fd;
    private final MemorySegment ifreq;
    private final int index;

    /** Opens a datagram socket for the ioctls (no capability needed) and resolves the interface. */
    public NetInterface(String name, Arena arena) {
        if (name.isEmpty() || name.length() >= IFNAMSIZ) {
            throw new VipIoException("interface name: '" + name + "' (expected: 1.." + (IFNAMSIZ - 1) + " chars)", 0);
        }
        this.name = name;
        this.sys = new Syscalls(arena);
        this.ifreq = arena.allocate(IFREQ_SIZE);
        MemorySegment cName = arena.allocateFrom(name);
        ifreq.copyFrom(cName);
        this.index = sys.ifNameToIndex(cName);
        if (index == 0) {
            throw new VipIoException(sys.describe("interface " + name), sys.errno());
        }
        this.fd = sys.socket(Syscalls.AF_INET, Syscalls.SOCK_DGRAM | Syscalls.SOCK_CLOEXEC, 0);
        if (fd < 0) {
            throw new VipIoException(sys.describe("socket for interface ioctls"), sys.errno());
        }
    }

    public String name() {
        return name;
    }

    public int index() {
        return index;
    }

    /** The 6-byte hardware address. */
    public byte[] mac() {
        ioctl(Syscalls.SIOCGIFHWADDR, "SIOCGIFHWADDR");
        return ifreq.asSlice(IFNAMSIZ + 2, 6).toArray(ValueLayout.JAVA_BYTE);
    }

    /** The interface's primary IPv4 address as a big-endian int. */
    public int primaryAddress() {
        ioctl(Syscalls.SIOCGIFADDR, "SIOCGIFADDR (no IPv4 address on the interface?)");
        return ifreq.get(ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN), IFNAMSIZ + 4);
    }

    /** Administratively up and operationally running (carrier). Allocation-free. */
    public boolean linkUp() {
        if (sys.ioctl(fd, Syscalls.SIOCGIFFLAGS, ifreq) < 0) {
            return false;      // the interface vanished: as bad as link down
        }
        short flags = ifreq.get(ValueLayout.JAVA_SHORT_UNALIGNED, IFNAMSIZ);
        return (flags & IFF_UP) != 0 && (flags & IFF_RUNNING) != 0;
    }

    private void ioctl(long request, String what) {
        if (sys.ioctl(fd, request, ifreq) < 0) {
            throw new VipIoException(sys.describe(what + " on " + name), sys.errno());
        }
    }

    @Override
    public void close() {
        sys.close(fd);
    }
}
