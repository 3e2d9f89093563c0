package io.tidepool.vip.state;

/** What the shell must do, in list order, after an {@link Event}. */
public sealed interface Action {
    /** Send an advert now with this priority (0 on shutdown or fault). */
    record SendAdvert(int priority) implements Action {
    }

    /** Add the virtual addresses to the interface (Accept_Mode on: the pooler listens on them). */
    record AddVips() implements Action {
    }

    /** Remove the virtual addresses. */
    record RemoveVips() implements Action {
    }

    /** Start a gratuitous ARP burst for every virtual address (and schedule keepalived's second burst). */
    record SendGarp() implements Action {
    }

    /** The state changed; the shell logs it once with the reason and runs notify scripts. */
    record Transition(VrrpState from, VrrpState to, String reason) implements Action {
    }

    /** A master woke up later than twice its advert interval (GC pause, CPU starvation) and re-announced. */
    record LateWakeup(long lateNanos) implements Action {
    }
}
