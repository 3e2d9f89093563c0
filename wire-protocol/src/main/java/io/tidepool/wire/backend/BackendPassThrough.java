package io.tidepool.wire.backend;

/**
 * Backend messages the pooler forwards without decoding on the data path (DataRow, RowDescription, CommandComplete,
 * the Copy family, ...). Their records exist for tests, the admin console's result sets and fakes.
 */
public non-sealed interface BackendPassThrough extends BackendMessage {
}
