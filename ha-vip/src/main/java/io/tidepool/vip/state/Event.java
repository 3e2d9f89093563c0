package io.tidepool.vip.state;

/** What can happen to a VRRP instance; the shell feeds these to {@link VrrpStateMachine#handle}. */
public sealed interface Event {
    /** RFC 5798 §6.4.1: the Startup event. */
    record Startup() implements Event {
    }

    /** A received advert that {@code AdvertFilter} accepted. */
    record AdvertReceived(int priority, int sourceIp, int intervalCentis) implements Event {
    }

    /** Time passed; fires the Adver and Master_Down timers that are due. */
    record Tick() implements Event {
    }

    /** The effective priority changed (base + track weights, clamped to 1..254; never for the owner). */
    record PriorityChanged(int effectivePriority, String reason) implements Event {
    }

    /** A weight-0 track script, a tracked interface or the VRRP interface went bad or recovered. */
    record FaultChanged(boolean faulted, String reason) implements Event {
    }

    /** RFC 5798 §6.4.2/§6.4.3: the Shutdown event. */
    record Shutdown() implements Event {
    }
}
