/**
 * PostgreSQL's MD5 password scheme: the {@code md5} secret, the salted challenge response (both as a client logging
 * in to PostgreSQL and as a server checking a client), and salt generation. Pure JDK.
 */
@NullMarked
package io.tidepool.auth.md5;

import org.jspecify.annotations.NullMarked;
