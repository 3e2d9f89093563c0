package io.tidepool.vip.track;

/** State of one tracked check. UNKNOWN until its first result: it neither adds its weight nor faults. */
public enum CheckStatus {
    UNKNOWN, OK, FAILED
}
