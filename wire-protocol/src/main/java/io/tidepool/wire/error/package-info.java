/** SQLSTATE codes and the builders of ErrorResponse/NoticeResponse fields. */
@NullMarked
package io.tidepool.wire.error;

import org.jspecify.annotations.NullMarked;
