package io.tidepool.vip.io;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;

/**
 * The libc calls VRRP needs, linked once when this class initialises (VRRP-NOTES §5.4: a cold first transition cost up
 * to 150 ms; a warm one microseconds). Each instance owns an errno capture segment and is used by one thread at a
 * time: the starting thread, then the VRRP thread.
 */
@SuppressWarnings("restricted")     // FFM downcalls are the point; the JVM runs with --enable-native-access
final class Syscalls {
    static final int AF_INET = 2;
    static final int AF_NETLINK = 16;
    static final int AF_PACKET = 17;
    static final int SOCK_DGRAM = 2;
    static final int SOCK_RAW = 3;
    static final int SOCK_CLOEXEC = 0x80000;
    static final int IPPROTO_IP = 0;
    static final int SOL_SOCKET = 1;
    static final int SO_RCVTIMEO = 20;
    static final int SO_BINDTODEVICE = 25;
    static final int IP_TOS = 1;
    static final int IP_TTL = 2;
    static final int IP_MULTICAST_IF = 32;
    static final int IP_MULTICAST_TTL = 33;
    static final int IP_MULTICAST_LOOP = 34;
    static final int IP_ADD_MEMBERSHIP = 35;
    static final int IP_MULTICAST_ALL = 49;
    static final int MSG_DONTWAIT = 0x40;
    static final short POLLIN = 1;
    static final long SIOCGIFFLAGS = 0x8913;
    static final long SIOCGIFADDR = 0x8915;
    static final long SIOCGIFHWADDR = 0x8927;
    static final int EINTR = 4;
    static final int EAGAIN = 11;
    static final int EPERM = 1;
    static final int EACCES = 13;

    private static final Linker LINKER = Linker.nativeLinker();
    private static final Linker.Option ERRNO = Linker.Option.captureCallState("errno");
    private static final VarHandle ERRNO_VALUE = Linker.Option.captureStateLayout()
            .varHandle(MemoryLayout.PathElement.groupElement("errno"));
    private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT;
    private static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG;
    private static final ValueLayout ADDR = ValueLayout.ADDRESS;

    private static final MethodHandle SOCKET = link("socket", FunctionDescriptor.of(INT, INT, INT, INT));
    private static final MethodHandle SETSOCKOPT =
            link("setsockopt", FunctionDescriptor.of(INT, INT, INT, INT, ADDR, INT));
    private static final MethodHandle BIND = link("bind", FunctionDescriptor.of(INT, INT, ADDR, INT));
    private static final MethodHandle SENDTO =
            link("sendto", FunctionDescriptor.of(LONG, INT, ADDR, LONG, INT, ADDR, INT));
    private static final MethodHandle RECV = link("recv", FunctionDescriptor.of(LONG, INT, ADDR, LONG, INT));
    private static final MethodHandle POLL = link("poll", FunctionDescriptor.of(INT, ADDR, LONG, INT));
    private static final MethodHandle CLOSE = link("close", FunctionDescriptor.of(INT, INT));
    private static final MethodHandle IOCTL = LINKER.downcallHandle(find("ioctl"),
            FunctionDescriptor.of(INT, INT, LONG, ADDR), ERRNO, Linker.Option.firstVariadicArg(2));
    private static final MethodHandle IF_NAMETOINDEX = LINKER.downcallHandle(find("if_nametoindex"),
            FunctionDescriptor.of(INT, ADDR), ERRNO);
    private static final MethodHandle STRERROR = LINKER.downcallHandle(find("strerror"),
            FunctionDescriptor.of(ADDR, INT));

    private final MemorySegment errnoState;
    private int errno;

    Syscalls(Arena arena) {
        errnoState = arena.allocate(Linker.Option.captureStateLayout());
    }

    private static MemorySegment find(String name) {
        return LINKER.defaultLookup().find(name)
                .orElseThrow(() -> new VipIoException("libc symbol not found: " + name, 0));
    }

    private static MethodHandle link(String name, FunctionDescriptor descriptor) {
        return LINKER.downcallHandle(find(name), descriptor, ERRNO);
    }

    /** errno of the last failed call. */
    int errno() {
        return errno;
    }

    private int capture(int result) {
        if (result < 0) {
            errno = (int) ERRNO_VALUE.get(errnoState, 0L);
        }
        return result;
    }

    private long capture(long result) {
        if (result < 0) {
            errno = (int) ERRNO_VALUE.get(errnoState, 0L);
        }
        return result;
    }

    int socket(int domain, int type, int protocol) {
        try {
            return capture((int) SOCKET.invokeExact(errnoState, domain, type, protocol));
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    int setsockopt(int fd, int level, int option, MemorySegment value, int length) {
        try {
            return capture((int) SETSOCKOPT.invokeExact(errnoState, fd, level, option, value, length));
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    int bind(int fd, MemorySegment address, int length) {
        try {
            return capture((int) BIND.invokeExact(errnoState, fd, address, length));
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    long sendto(int fd, MemorySegment buf, long length, int flags, MemorySegment address, int addressLength) {
        try {
            return capture((long) SENDTO.invokeExact(errnoState, fd, buf, length, flags, address, addressLength));
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    long recv(int fd, MemorySegment buf, long length, int flags) {
        try {
            return capture((long) RECV.invokeExact(errnoState, fd, buf, length, flags));
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    int poll(MemorySegment fds, long count, int timeoutMillis) {
        try {
            return capture((int) POLL.invokeExact(errnoState, fds, count, timeoutMillis));
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    int close(int fd) {
        try {
            return capture((int) CLOSE.invokeExact(errnoState, fd));
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    int ioctl(int fd, long request, MemorySegment arg) {
        try {
            return capture((int) IOCTL.invokeExact(errnoState, fd, request, arg));
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    int ifNameToIndex(MemorySegment name) {
        try {
            int index = (int) IF_NAMETOINDEX.invokeExact(errnoState, name);
            if (index == 0) {
                errno = (int) ERRNO_VALUE.get(errnoState, 0L);
            }
            return index;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** "call on what: text (errno N)" for the last failure. */
    String describe(String call) {
        return call + ": " + strerror(errno) + " (errno " + errno + ")";
    }

    /** A {@link VipIoException} for the last failure, with the capability hint when errno is EPERM/EACCES. */
    VipIoException failure(String call, String capability) {
        String hint = errno == EPERM || errno == EACCES
                ? "; needs " + capability + " (run as root, or systemd AmbientCapabilities=CAP_NET_RAW CAP_NET_ADMIN)"
                : "";
        return new VipIoException(describe(call) + hint, errno);
    }

    static String strerror(int errno) {
        try {
            var text = (MemorySegment) STRERROR.invokeExact(errno);
            return text.reinterpret(256).getString(0);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    private static RuntimeException rethrow(Throwable t) {
        if (t instanceof RuntimeException e) {
            throw e;
        }
        if (t instanceof Error e) {
            throw e;
        }
        throw new IllegalStateException("native call failed", t);
    }
}
