package io.tidepool.wire.frontend;

/**
 * Frontend messages forwarded without decoding in session mode (Parse, Bind, Describe, Execute, Close, Flush,
 * FunctionCall, the Copy family). Their records exist for tests, fakes and transaction-mode name tracking.
 */
public non-sealed interface FrontendPassThrough extends FrontendMessage {
}
