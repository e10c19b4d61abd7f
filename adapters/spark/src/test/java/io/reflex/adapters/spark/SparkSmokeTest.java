package io.reflex.adapters.spark;

import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class SparkSmokeTest {
    @Test
    void runsLocally() throws Exception {
        try (SparkSession spark = SparkSession.builder().master("local[1]").appName("smoke")
                .config("spark.ui.enabled", "false").getOrCreate()) {
            assertEquals(10, spark.range(10).count());
            System.err.println("SPARK " + spark.version());
        }
    }
}
