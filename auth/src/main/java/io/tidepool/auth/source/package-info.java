/**
 * Where credentials come from: the {@link io.tidepool.auth.source.CredentialSource} interface and the auth_file
 * reader {@link io.tidepool.auth.source.UserlistFile} (PgBouncer's userlist.txt format). auth_query lives in the
 * pooler, which owns server connections.
 */
@NullMarked
package io.tidepool.auth.source;

import org.jspecify.annotations.NullMarked;
