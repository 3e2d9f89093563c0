package io.tidepool.auth.scram;

import io.tidepool.auth.AuthenticationException;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * A strict cursor over one SCRAM message (RFC 5802 §7): attributes are read in the order the grammar fixes, so a
 * missing, duplicated or out-of-order attribute fails at the first wrong letter. Errors name the attribute and the
 * message, never the value (values may be proofs). Confined to the exchange that created it.
 */
final class ScramReader {
    private final String text;
    private final String what;
    private int position;

    private ScramReader(String text, String what) {
        this.text = text;
        this.what = what;
    }

    /**
     * Decodes {@code data} as strict UTF-8 after checking its length: PostgreSQL caps SASL messages at
     * {@code PG_MAX_SASL_MESSAGE_LENGTH} (1024) and so do we, before any work proportional to the input.
     */
    static ScramReader of(byte[] data, int maxLength, String what) {
        if (data.length > maxLength) {
            throw AuthenticationException.protocol(what + " length: " + data.length + " (expected: <= " + maxLength
                    + ")");
        }
        try {
            String text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(data)).toString();
            if (text.indexOf('\0') >= 0) {
                throw AuthenticationException.protocol(what + ": contains a NUL byte");
            }
            return new ScramReader(text, what);
        } catch (CharacterCodingException e) {
            throw AuthenticationException.protocol(what + ": not valid UTF-8");
        }
    }

    String text() {
        return text;
    }

    int position() {
        return position;
    }

    boolean atEnd() {
        return position == text.length();
    }

    /** Whether the next attribute is {@code name=}. */
    boolean peek(char name) {
        return position + 1 < text.length() && text.charAt(position) == name && text.charAt(position + 1) == '=';
    }

    /** Reads {@code name=value} up to the next ',' (consumed) or the end; the value may be empty. */
    String attribute(char name) {
        if (!peek(name)) {
            throw AuthenticationException.protocol(what + ": expected attribute '" + name + "' at offset " + position);
        }
        int start = position + 2;
        int comma = text.indexOf(',', start);
        int end = comma < 0 ? text.length() : comma;
        position = comma < 0 ? end : comma + 1;
        if (comma >= 0 && position == text.length()) {
            throw AuthenticationException.protocol(what + ": trailing ',' after attribute '" + name + "'");
        }
        return text.substring(start, end);
    }

    /** Reads a field that is not {@code x=} shaped (the gs2 header parts), up to the next ',' which must exist. */
    String field(String label) {
        int comma = text.indexOf(',', position);
        if (comma < 0) {
            throw AuthenticationException.protocol(what + ": missing ',' after " + label);
        }
        String value = text.substring(position, comma);
        position = comma + 1;
        return value;
    }

    /** Reads the attribute and requires it to be the last one. */
    String lastAttribute(char name) {
        String value = attribute(name);
        requireEnd();
        return value;
    }

    void requireEnd() {
        if (!atEnd()) {
            throw AuthenticationException.protocol(what + ": unexpected data at offset " + position
                    + " (expected: end of message)");
        }
    }

    /** Reads a base64 attribute value, decoded. */
    byte[] base64(char name, int minLength, int maxLength) {
        String value = attribute(name);
        byte[] decoded;
        try {
            decoded = Base64.getDecoder().decode(value);
        } catch (IllegalArgumentException e) {
            throw AuthenticationException.protocol(what + ": attribute '" + name + "' is not valid base64");
        }
        if (decoded.length < minLength || decoded.length > maxLength) {
            throw AuthenticationException.protocol(what + ": attribute '" + name + "' length: " + decoded.length
                    + " (expected: " + minLength + ".." + maxLength + ")");
        }
        return decoded;
    }

    /** Checks RFC 5802's {@code printable} rule for nonces: %x21-2B / %x2D-7E. */
    static boolean isPrintableNonce(String nonce) {
        for (int i = 0; i < nonce.length(); i++) {
            char c = nonce.charAt(i);
            if (c < 0x21 || c > 0x7E || c == ',') {
                return false;
            }
        }
        return !nonce.isEmpty();
    }
}
