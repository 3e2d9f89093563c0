package io.tidepool.vip.config;

/** An invalid {@code [vrrp]} or {@code [vrrp_script]} setting: "[section] key: 'value' (expected: ...)". */
public final class VrrpConfigException extends IllegalArgumentException {
    public VrrpConfigException(String message) {
        super(message);
    }
}
