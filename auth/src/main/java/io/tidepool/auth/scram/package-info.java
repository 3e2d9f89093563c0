/**
 * SCRAM-SHA-256 (RFC 5802, RFC 7677) as PostgreSQL speaks it: {@link io.tidepool.auth.scram.ScramClientExchange}
 * (Tidepool logging in to PostgreSQL, including ClientKey pass-through) and
 * {@link io.tidepool.auth.scram.ScramServerExchange} (Tidepool authenticating a client). Both parse every message
 * strictly and bound every length before using it; the cryptographic primitives come from ongres-scram.
 */
@NullMarked
package io.tidepool.auth.scram;

import org.jspecify.annotations.NullMarked;
