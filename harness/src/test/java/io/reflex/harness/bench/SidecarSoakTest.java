package io.reflex.harness.bench;

import io.reflex.harness.nginx.NginxBuild;
import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The soak's short variant, in the default build: the real patched NGINX under a paced load for
 * 30 s while its sidecar is SIGKILLed every 10 s (restarted by the soak's supervisor) and a corrupt
 * model is dropped into its model path at 15 s. No request fails, each restart shows as a new start
 * time in the sidecar's metrics, the refusal is counted, and NGINX counts the outages as connection
 * fallbacks. Memory flatness needs the long run ({@code ./reflex sidecar soak}, 30 minutes): 30 s
 * of a cache filling up say nothing about it, so it is not asserted here.
 */
class SidecarSoakTest {

    @Test
    void killedSidecarsAndCorruptModelsFailNoRequestAndShowInTheMetrics() throws Exception {
        PrintWriter log = new PrintWriter(System.err, true);
        Map<String, Object> r = new SidecarSoak(new SidecarSoak.Options(NginxBuild.findScript(Path.of("")),
                Duration.ofSeconds(30), Duration.ofSeconds(10), Duration.ofSeconds(15), Duration.ofSeconds(2),
                100, 2, 7), log).run();
        log.println("soak: " + r);

        assertEquals(0L, r.get("requests_failed"), () -> "no client request failed: " + r.get("first_error"));
        assertTrue((long) r.get("requests") > 1_000, () -> "the load ran the whole time: " + r);
        assertEquals(2, r.get("kills"));
        assertEquals(2, r.get("restarts"), "the supervisor restarted each killed sidecar");
        assertEquals(3L, r.get("sidecar_starts_in_metrics"), "each life reports its own process_start_time_seconds");
        assertEquals(1, r.get("corruptions"));
        assertEquals(1L, r.get("reload_refusals_counted"), "the corrupt model's refusal is counted in the metrics");
        assertTrue((long) r.get("nginx_policy_decisions") > 0, () -> "the sidecars decided between the faults: " + r);
        assertEquals(true, r.get("faults_visible"), r::toString);
        assertEquals(true, r.get("nginx_alive"));
    }
}
