package io.tidepool.pooler.net;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.util.Optional;

/**
 * The part of Linux's io_uring that {@link SendBatch} needs, through the JDK's foreign-function API: one ring, used by
 * one thread, whose entries are non-blocking {@code send}s and no-ops. No submission thread ({@code SQPOLL}): the
 * kernel reads the submission queue only inside {@link #submitAndWait}, and writes the completion queue before that
 * call returns, so the system call itself orders this thread's plain loads and stores of the shared ring memory.
 *
 * <p>Layouts and constants are those of {@code <linux/io_uring.h>} (x86-64 and arm64 share them).
 */
@SuppressWarnings("restricted")     // FFM downcalls are the point; the launcher passes --enable-native-access
final class IoUring implements AutoCloseable {
    private static final long SYS_IO_URING_SETUP = 425;
    private static final long SYS_IO_URING_ENTER = 426;
    private static final int IORING_SETUP_SUBMIT_ALL = 1 << 7;     // a bad entry does not stop the ones after it
    private static final int IORING_FEAT_SINGLE_MMAP = 1;
    private static final int IORING_ENTER_GETEVENTS = 1;
    private static final long IORING_OFF_SQES = 0x10000000L;
    private static final byte IORING_OP_NOP = 0;
    private static final byte IORING_OP_SEND = 26;
    private static final int SQE_SIZE = 64;
    private static final int CQE_SIZE = 16;
    private static final int PARAMS_SIZE = 120;
    private static final int PROT_READ_WRITE = 3;
    private static final int MAP_SHARED_POPULATE = 0x01 | 0x8000;
    static final int MSG_DONTWAIT = 0x40;
    static final int MSG_NOSIGNAL = 0x4000;
    static final int EINTR = 4;

    private static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG;
    private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT;
    private static final ValueLayout.OfByte BYTE = ValueLayout.JAVA_BYTE;
    private static final Linker LINKER = Linker.nativeLinker();
    private static final VarHandle ERRNO = Linker.Option.captureStateLayout()
            .varHandle(MemoryLayout.PathElement.groupElement("errno"));
    // long syscall(long number, ...): every argument passed as a long, as the kernel reads them
    private static final MethodHandle SYSCALL = LINKER.downcallHandle(symbol("syscall"),
            FunctionDescriptor.of(LONG, LONG, LONG, LONG, LONG, LONG, LONG, LONG),
            Linker.Option.firstVariadicArg(1), Linker.Option.captureCallState("errno"));
    private static final MethodHandle MMAP = LINKER.downcallHandle(symbol("mmap"),
            FunctionDescriptor.of(LONG, LONG, LONG, INT, INT, INT, LONG));
    private static final MethodHandle MUNMAP = LINKER.downcallHandle(symbol("munmap"),
            FunctionDescriptor.of(INT, LONG, LONG));
    private static final MethodHandle CLOSE = LINKER.downcallHandle(symbol("close"), FunctionDescriptor.of(INT, INT));

    /** What {@link #reap} hands over for each completed entry. */
    interface Completion {
        void completed(long userData, int result);
    }

    private final Arena arena = Arena.ofShared();
    private final MemorySegment errnoState = arena.allocate(Linker.Option.captureStateLayout());
    private final int fd;
    private final MemorySegment rings;      // submission and completion rings, one mapping (IORING_FEAT_SINGLE_MMAP)
    private final MemorySegment sqes;
    private final int sqMask;
    private final long sqTailAt;
    private final int cqMask;
    private final long cqHeadAt;
    private final long cqTailAt;
    private final long cqesAt;
    private int sqTail;
    private boolean closed;

    private IoUring(int fd, MemorySegment params, MemorySegment rings, MemorySegment sqes) {
        this.fd = fd;
        this.rings = rings;
        this.sqes = sqes;
        // the params say where in the ring mapping each value lives (struct io_sqring_offsets / io_cqring_offsets)
        this.sqMask = rings.get(INT, params.get(INT, 48));
        this.sqTailAt = params.get(INT, 44);
        this.cqHeadAt = params.get(INT, 80);
        this.cqTailAt = params.get(INT, 84);
        this.cqMask = rings.get(INT, params.get(INT, 88));
        this.cqesAt = params.get(INT, 100);
        long arrayAt = params.get(INT, 64);
        int sqEntries = params.get(INT, 0);
        for (int i = 0; i < sqEntries; i++) {
            rings.set(INT, arrayAt + 4L * i, i);      // ring slot i always names entry i
        }
        this.sqTail = rings.get(INT, sqTailAt);
    }

    /** A ring of {@code entries} (a power of two); fails with the reason where there is none (seccomp, a sysctl). */
    static IoUring open(int entries) throws IOException {
        try (Arena temp = Arena.ofConfined()) {
            MemorySegment errno = temp.allocate(Linker.Option.captureStateLayout());
            MemorySegment params = temp.allocate(PARAMS_SIZE);
            params.set(INT, 8, IORING_SETUP_SUBMIT_ALL);
            long fd = (long) SYSCALL.invokeExact(errno, SYS_IO_URING_SETUP, (long) entries, params.address(),
                    0L, 0L, 0L, 0L);
            if (fd < 0) {
                throw new IOException("io_uring_setup failed, errno " + (int) ERRNO.get(errno, 0L));
            }
            if ((params.get(INT, 20) & IORING_FEAT_SINGLE_MMAP) == 0) {
                int ignored = (int) CLOSE.invokeExact((int) fd);
                throw new IOException("kernel before Linux 5.4 (no IORING_FEAT_SINGLE_MMAP)");
            }
            int sqEntries = params.get(INT, 0);
            int cqEntries = params.get(INT, 4);
            long ringsSize = Math.max(params.get(INT, 64) + 4L * sqEntries,
                    params.get(INT, 100) + (long) CQE_SIZE * cqEntries);
            long sqesSize = (long) SQE_SIZE * sqEntries;
            long ringsAt = (long) MMAP.invokeExact(0L, ringsSize, PROT_READ_WRITE, MAP_SHARED_POPULATE, (int) fd, 0L);
            long sqesAt = (long) MMAP.invokeExact(0L, sqesSize, PROT_READ_WRITE, MAP_SHARED_POPULATE, (int) fd,
                    IORING_OFF_SQES);
            if (ringsAt == -1 || sqesAt == -1) {
                int ignored = ringsAt == -1 ? 0 : (int) MUNMAP.invokeExact(ringsAt, ringsSize);
                ignored = sqesAt == -1 ? 0 : (int) MUNMAP.invokeExact(sqesAt, sqesSize);
                ignored = (int) CLOSE.invokeExact((int) fd);
                throw new IOException("mmap of the io_uring failed");
            }
            return new IoUring((int) fd, params, MemorySegment.ofAddress(ringsAt).reinterpret(ringsSize),
                    MemorySegment.ofAddress(sqesAt).reinterpret(sqesSize));
        } catch (IOException e) {
            throw e;
        } catch (Throwable e) {
            throw new IOException("io_uring unavailable: " + e, e);
        }
    }

    /** Fills the {@code index}-th entry after those already submitted: send {@code length} bytes at {@code address}. */
    void prepareSend(int index, int socketFd, long address, int length, int msgFlags, long userData) {
        long at = entryAt(index);
        clearEntry(at);
        sqes.set(BYTE, at, IORING_OP_SEND);
        sqes.set(INT, at + 4, socketFd);
        sqes.set(LONG, at + 16, address);
        sqes.set(INT, at + 24, length);
        sqes.set(INT, at + 28, msgFlags);
        sqes.set(LONG, at + 32, userData);
    }

    /** Turns the {@code index}-th prepared entry into a no-op that completes with result 0. */
    void cancelPrepared(int index) {
        long at = entryAt(index);
        long userData = sqes.get(LONG, at + 32);
        clearEntry(at);                                 // a no-op rejects the send's fields (EINVAL)
        sqes.set(BYTE, at, IORING_OP_NOP);
        sqes.set(LONG, at + 32, userData);
    }

    private long entryAt(int index) {
        return (long) ((sqTail + index) & sqMask) * SQE_SIZE;
    }

    /** Zeroes one entry with word stores: no slice object per send (DESIGN, hot-path rule 5). */
    private void clearEntry(long at) {
        for (long word = 0; word < SQE_SIZE; word += Long.BYTES) {
            sqes.set(LONG, at + word, 0L);
        }
    }

    /**
     * Submits the first {@code count} prepared entries in one {@code io_uring_enter} and waits until as many
     * completions are queued; with {@link #MSG_DONTWAIT} sends that is at once. Returns 0, or the errno with which the
     * kernel refused the entries; then none of them was taken and none will be.
     */
    int submitAndWait(int count) throws Throwable {
        int before = sqTail;
        sqTail += count;
        rings.set(INT, sqTailAt, sqTail);
        int submitted = 0;
        int waitFor = count;
        while (true) {
            long r = (long) SYSCALL.invokeExact(errnoState, SYS_IO_URING_ENTER, (long) fd, (long) (count - submitted),
                    (long) waitFor, (long) IORING_ENTER_GETEVENTS, 0L, 0L);
            if (r >= 0) {
                submitted += (int) r;
                if (submitted == count && completionsQueued() >= waitFor) {
                    return 0;
                }
            } else {
                int errno = (int) ERRNO.get(errnoState, 0L);
                if (errno != EINTR) {
                    if (submitted == 0) {
                        sqTail = before;                // the kernel reads entries only in this call: withdraw them
                        rings.set(INT, sqTailAt, sqTail);
                        return errno;
                    }
                    throw new IllegalStateException("io_uring_enter failed after submitting, errno " + errno);
                }
            }
        }
    }

    private int completionsQueued() {
        return rings.get(INT, cqTailAt) - rings.get(INT, cqHeadAt);
    }

    /** Hands every queued completion to {@code to}, oldest first, and frees their places. */
    void reap(Completion to) {
        int head = rings.get(INT, cqHeadAt);
        int tail = rings.get(INT, cqTailAt);
        while (head != tail) {
            long at = cqesAt + (long) (head & cqMask) * CQE_SIZE;
            long userData = rings.get(LONG, at);
            int result = rings.get(INT, at + 8);
            head++;
            rings.set(INT, cqHeadAt, head);
            to.completed(userData, result);
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            int ignored = (int) MUNMAP.invokeExact(sqes.address(), sqes.byteSize());
            ignored = (int) MUNMAP.invokeExact(rings.address(), rings.byteSize());
            ignored = (int) CLOSE.invokeExact(fd);
        } catch (Throwable e) {
            throw new IllegalStateException(e);
        } finally {
            arena.close();
        }
    }

    private static MemorySegment symbol(String name) {
        Optional<MemorySegment> found = LINKER.defaultLookup().find(name);
        return found.orElseThrow(() -> new UnsupportedOperationException("libc has no " + name));
    }
}
