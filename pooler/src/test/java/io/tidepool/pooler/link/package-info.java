/** Unit tests of the statement rewriter and the request tracker, driven message by message (no server). */
@NullMarked
package io.tidepool.pooler.link;

import org.jspecify.annotations.NullMarked;
