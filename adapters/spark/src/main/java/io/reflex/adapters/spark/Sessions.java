package io.reflex.adapters.spark;

import org.apache.spark.sql.SparkSession;

/**
 * How Reflex starts a Spark session: the given master, else the one {@code spark-submit} set
 * ({@code spark.master}), else {@code local[*]}; the web UI off when local (nobody looks at it
 * during a replay, and it costs a port and a second of start-up); partition values read back as
 * the strings written ({@code capacity=512} stays "512", as on the command line).
 */
final class Sessions {

    private Sessions() {
    }

    /** A new or the active session; the caller closes it when it created it. */
    static SparkSession create(String appName, String master) {
        SparkSession.Builder b = SparkSession.builder().appName(appName)
                .config("spark.sql.sources.partitionColumnTypeInference.enabled", "false");
        String m = master != null ? master : System.getProperty("spark.master");
        if (m == null) {
            m = "local[*]";
        }
        b.master(m);
        if (m.startsWith("local")) {
            b.config("spark.ui.enabled", "false");
        }
        return b.getOrCreate();
    }
}
