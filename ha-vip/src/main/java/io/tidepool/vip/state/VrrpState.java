package io.tidepool.vip.state;

/**
 * The states of a VRRP instance: RFC 5798 §6.4's Initialize, Backup and Master (RFC 9568 calls Master "Active"), plus
 * keepalived's FAULT (a track script with no weight, or a tracked interface, failed: silent, no VIP).
 */
public enum VrrpState {
    INITIALIZE, BACKUP, MASTER, FAULT;

    /** The transition table: every other move is a bug and throws in {@link VrrpStateMachine}. */
    public boolean canMoveTo(VrrpState to) {
        return switch (this) {
            case INITIALIZE -> to == BACKUP || to == MASTER || to == FAULT;
            case BACKUP -> to == MASTER || to == FAULT || to == INITIALIZE;
            case MASTER -> to == BACKUP || to == FAULT || to == INITIALIZE;
            case FAULT -> to == BACKUP || to == MASTER || to == INITIALIZE;
        };
    }
}
