/**
 * pg_hba.conf-style client authentication rules (PostgreSQL's client-authentication.html, as PgBouncer's
 * {@code auth_hba_file} uses them): a pure parser into {@link io.tidepool.auth.hba.HbaRule}s and a first-match-wins
 * matcher, {@link io.tidepool.auth.hba.HbaFile}. No I/O except reading the file and its {@code @} includes when
 * asked, no DNS.
 */
@NullMarked
package io.tidepool.auth.hba;

import org.jspecify.annotations.NullMarked;
