package io.tidepool.pooler.config;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Fuzzes the whole loader (ini syntax, connection strings, every value parser, includes): whatever the text, the
 * only exception allowed out is {@link ConfigException}. Includes are served from fuzzer data, never the disk.
 * Seeds: {@code src/test/resources/io/tidepool/pooler/config/ConfigLoaderFuzzTestInputs/}.
 */
class ConfigLoaderFuzzTest {

    @FuzzTest(maxDuration = "10s")
    void loaderFailsOnlyWithConfigException(FuzzedDataProvider data) {
        var included = data.consumeString(2000);
        var text = data.consumeRemainingAsString();
        IniReader.FileSource files = path -> {
            if (path.getFileName() != null && path.getFileName().toString().startsWith("missing")) {
                throw new IOException("no such file: " + path);
            }
            return included;
        };
        try {
            var config = ConfigLoader.parse(text, Path.of("/fuzz/tidepool.ini"), files);
            for (var key : config.settings().all()) {
                config.settings().formatted(key.name());
            }
            config.databases().keySet().forEach(config::database);
            ConfigDiff.between(config, config);
        } catch (ConfigException expected) {
            // malformed input is reported, never anything else
        }
    }
}
