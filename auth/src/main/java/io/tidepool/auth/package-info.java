/**
 * Authentication core shared by both faces of the pooler: the {@link io.tidepool.auth.AuthMethod} names, the sealed
 * {@link io.tidepool.auth.Credential} family (plaintext, md5 and SCRAM secrets), the sealed
 * {@link io.tidepool.auth.AuthStep} outcomes an exchange returns, and {@link io.tidepool.auth.AuthenticationException}.
 * Nothing here touches a Netty channel: exchanges take bytes and return bytes, so the pooler decides which thread
 * runs the (expensive) key derivation.
 */
@NullMarked
package io.tidepool.auth;

import org.jspecify.annotations.NullMarked;
