/** Tests of the admin console: parser and column tables (unit), the console against real PostgreSQL (IT). */
@NullMarked
package io.tidepool.pooler.admin;

import org.jspecify.annotations.NullMarked;
