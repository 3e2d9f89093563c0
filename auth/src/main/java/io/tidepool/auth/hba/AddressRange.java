package io.tidepool.auth.hba;

import org.jspecify.annotations.Nullable;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.regex.Pattern;

/**
 * The address column of a host rule: {@code all}, a CIDR block ({@code 10.0.0.0/8}, {@code fe80::/10}) or an address
 * with a separate mask. Only IP literals are accepted: host names would need DNS, which the matcher must not do.
 * Immutable.
 */
public record AddressRange(byte @Nullable [] network, int prefixLength) {
    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
    private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*");
    /** Matches every address ({@code all}). */
    public static final AddressRange ALL = new AddressRange(null, 0);

    public AddressRange {
        if (network != null) {
            network = network.clone();
            if (prefixLength < 0 || prefixLength > network.length * 8) {
                throw new IllegalArgumentException("prefix length: " + prefixLength);
            }
            // Keep the network bits only, as PostgreSQL compares (address & mask) == (network & mask).
            for (int bit = prefixLength; bit < network.length * 8; bit++) {
                network[bit / 8] &= (byte) ~(0x80 >>> (bit % 8));
            }
        }
    }

    /** Parses {@code addr/len} or {@code addr} with {@code mask} (null when the CIDR form is used). */
    static AddressRange parse(String address, @Nullable String mask, int line) {
        int slash = address.indexOf('/');
        String host = slash < 0 ? address : address.substring(0, slash);
        byte[] network = literal(host, line);
        int prefix;
        if (slash >= 0) {
            if (mask != null) {
                throw new HbaParseException(line, "address \"" + address + "\" has a CIDR length and a mask");
            }
            String digits = address.substring(slash + 1);
            if (digits.isEmpty() || digits.length() > 3 || !digits.chars().allMatch(Character::isDigit)) {
                throw new HbaParseException(line, "CIDR length: \"" + digits + "\" (expected: a number)");
            }
            prefix = Integer.parseInt(digits);
            if (prefix > network.length * 8) {
                throw new HbaParseException(line, "CIDR length: " + prefix + " (expected: 0.." + network.length * 8
                        + ")");
            }
        } else {
            if (mask == null) {
                throw new HbaParseException(line, "address \"" + address + "\" needs a CIDR length or a mask");
            }
            prefix = maskLength(literal(mask, line), network.length, line);
        }
        return new AddressRange(network, prefix);
    }

    private static byte[] literal(String text, int line) {
        if (!IPV4.matcher(text).matches() && !IPV6.matcher(text).matches()) {
            throw new HbaParseException(line, "address: \"" + text + "\" (expected: an IP address; host names and "
                    + "samehost/samenet are not supported)");
        }
        try {
            return InetAddress.ofLiteral(text).getAddress();   // literals only: never a DNS lookup
        } catch (IllegalArgumentException e) {
            throw new HbaParseException(line, "address: \"" + text + "\" is not a valid IP address");
        }
    }

    private static int maskLength(byte[] mask, int family, int line) {
        if (mask.length != family) {
            throw new HbaParseException(line, "mask and address are of different IP families");
        }
        int length = 0;
        boolean ended = false;
        for (int bit = 0; bit < mask.length * 8; bit++) {
            boolean set = (mask[bit / 8] & (0x80 >>> (bit % 8))) != 0;
            if (set && ended) {
                throw new HbaParseException(line, "mask is not contiguous");
            }
            if (set) {
                length++;
            } else {
                ended = true;
            }
        }
        return length;
    }

    /** Whether {@code address} lies in this range (an IPv4-mapped IPv6 address arrives as IPv4 from the JDK). */
    public boolean contains(InetAddress address) {
        if (network == null) {
            return true;
        }
        byte[] candidate = address.getAddress();
        if (candidate.length != network.length) {
            return false;
        }
        for (int bit = 0; bit < prefixLength; bit++) {
            int m = 0x80 >>> (bit % 8);
            if ((candidate[bit / 8] & m) != (network[bit / 8] & m)) {
                return false;
            }
        }
        return true;
    }

    @Override
    public byte @Nullable [] network() {
        return network == null ? null : network.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof AddressRange other && prefixLength == other.prefixLength
                && Arrays.equals(network, other.network);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(network) + prefixLength;
    }

    @Override
    public String toString() {
        if (network == null) {
            return "all";
        }
        try {
            return InetAddress.getByAddress(network).getHostAddress() + "/" + prefixLength;
        } catch (UnknownHostException e) {
            return "?/" + prefixLength;
        }
    }
}
