package io.tidepool.vip.io;

/** A system call for VRRP failed; the message names the call, the object, errno and its text, and the remedy. */
public final class VipIoException extends RuntimeException {
    private final int errno;

    public VipIoException(String message, int errno) {
        super(message);
        this.errno = errno;
    }

    /** The errno of the failed call, 0 when not from a system call. */
    public int errno() {
        return errno;
    }
}
