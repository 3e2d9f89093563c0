package io.tidepool.vip.vrrp;

/**
 * A VRRP advertisement that cannot be decoded or encoded; the only exception the codec throws. The message names the
 * field, the value seen and what was expected, as Netty's codecs do.
 */
public final class VrrpFormatException extends RuntimeException {
    private final DropReason reason;

    public VrrpFormatException(DropReason reason, String message) {
        super(message);
        this.reason = reason;
    }

    /** The drop counter this failure belongs to. */
    public DropReason reason() {
        return reason;
    }
}
