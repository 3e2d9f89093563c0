/**
 * Client-to-server messages: the untyped {@link io.tidepool.wire.frontend.StartupPacket}s and the typed
 * {@link io.tidepool.wire.frontend.FrontendMessage}s. The {@code 'p'} family (PasswordMessage, SASLInitialResponse,
 * SASLResponse, GSSResponse) is decoded by the authentication exchange that asked for it.
 */
@NullMarked
package io.tidepool.wire.frontend;

import org.jspecify.annotations.NullMarked;
