package io.tidepool.vip.vrrp;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.ByteBuffer;

/**
 * Coverage-guided fuzzing of the two receive-side parsers. Seeds are keepalived's golden packets, in
 * {@code src/test/resources/io/tidepool/vip/vrrp/VrrpDecoderFuzzTestInputs/}. Only {@link VrrpFormatException} may
 * escape the decoder; the filter never throws at all.
 */
class VrrpDecoderFuzzTest {
    private static final int[] VIPS = {0xc0000232};
    private final AdvertFilter multicast = new AdvertFilter(3, 51, 0, 0, 100, VIPS, null, 0xc000020c);
    private final AdvertFilter v2 = new AdvertFilter(2, 51, 1, VrrpAdvertisement.authData("s3cret99"), 100, VIPS,
            new int[] {0xc000020b}, 0xc000020c);

    @FuzzTest(maxDuration = "10s")
    void onlyVrrpFormatExceptionEscapes(byte[] input) {
        var buf = ByteBuffer.wrap(input);
        multicast.check(buf, input.length);
        v2.check(buf, input.length);
        if (input.length > 20) {
            try {
                VrrpAdvertisement decoded = VrrpAdvertisement.decode(buf, 20, input.length - 20);
                if (decoded.length() > input.length - 20) {
                    throw new AssertionError("decoded more than the input: " + decoded);
                }
            } catch (VrrpFormatException expected) {
                // malformed input is reported with our exception, nothing else
            }
        }
    }
}
