package io.reflex.trainer.adapt;

import io.reflex.engine.onnx.ModelFiles;
import io.reflex.engine.onnx.ModelLoadException;
import io.reflex.engine.onnx.OnnxModelWriter;
import io.reflex.trainer.cache.Capacity;
import io.reflex.trainer.cache.SimulationOptions;
import io.reflex.trainer.cache.SimulationResult;
import io.reflex.trainer.cache.Trace;
import io.reflex.trainer.cache.policy.learned.ReflexEvictionPolicy;
import io.reflex.compute.ComputeBackend;
import io.reflex.trainer.rl.EvictionEvaluation;
import io.reflex.trainer.rl.NextAccessTraining;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * One retraining round of {@code adapt}: trains a candidate on the window's older requests, replays
 * the candidate, the incumbent (the model file now served, if it loads) and the host's classical
 * rule (LRU for NGINX, W-TinyLFU for Caffeine) on the most recent slice, which the candidate never
 * saw, and replaces the served file with the candidate, atomically, only when it beats both by at
 * least {@code minGain} in mean hit ratio over the sizes.
 *
 * <p>The three replay the whole window and only the slice's hits count: each enters the slice with
 * the cache its own policy filled from the older requests, as a served cache would (a slice replayed
 * from an empty cache would mostly measure the cache filling up). The models replay without an LRU
 * floor (the round compares models; the host's floor guards whichever serves). Deterministic: the
 * same window and settings give the same verdict. Stateless and thread-safe.
 */
public final class RetrainRound {

    /** NGINX's classical rule, the one {@code adapt} checks against: LRU. */
    public static final String NGINX_CLASSICAL = "lru";

    /**
     * What a round decided and why.
     *
     * @param trainRequests   requests the candidate was trained on
     * @param holdoutRequests requests of the slice the three were replayed on
     * @param candidate       the candidate's mean hit ratio on the slice
     * @param incumbent       the served model's, NaN when there is none or it does not load
     * @param classical       the classical rule's
     * @param promoted        whether the candidate now serves
     * @param reason          one line: why it was or was not promoted
     * @param trainSeconds    the training's wall time (reported, never decided on)
     */
    public record Verdict(int trainRequests, int holdoutRequests, double candidate, double incumbent, double classical,
                          boolean promoted, String reason, double trainSeconds) {
    }

    private final List<Capacity> capacities;
    private final NextAccessTraining.Settings training;
    private final ComputeBackend backend;
    private final double holdoutFraction;
    private final double minGain;
    private final String classical;

    /**
     * @param holdoutFraction the window's most recent share kept for the check, in (0, 0.5]
     * @param minGain         the least hit-ratio margin over both the incumbent and the classical rule, in [0, 1)
     * @param classical       the host's classical rule, a {@code PolicyCatalog} name
     */
    public RetrainRound(List<Capacity> capacities, NextAccessTraining.Settings training, ComputeBackend backend,
                        double holdoutFraction, double minGain, String classical) {
        if (capacities.isEmpty()) {
            throw new IllegalArgumentException("at least one size is needed");
        }
        if (!(holdoutFraction > 0 && holdoutFraction <= 0.5)) {
            throw new IllegalArgumentException("holdout fraction must be in (0, 0.5], got " + holdoutFraction);
        }
        if (!(minGain >= 0 && minGain < 1)) {
            throw new IllegalArgumentException("minimum gain must be in [0, 1), got " + minGain);
        }
        this.capacities = List.copyOf(capacities);
        this.training = Objects.requireNonNull(training, "training");
        this.backend = Objects.requireNonNull(backend, "backend");
        this.holdoutFraction = holdoutFraction;
        this.minGain = minGain;
        this.classical = Objects.requireNonNull(classical, "classical");
    }

    /**
     * Runs a round over the window.
     *
     * @param served    the served model file, replaced only on promotion (need not exist yet)
     * @param candidate where the candidate is written (kept for inspection, promoted or not)
     * @param progress  the trainer's progress lines (may be null)
     */
    public Verdict run(RequestWindow window, Path served, Path candidate, Consumer<String> progress)
            throws IOException, InterruptedException {
        int n = window.size();
        int holdout = (int) Math.round(n * holdoutFraction);
        if (holdout < 1 || n - holdout < 1) {
            throw new IllegalArgumentException("a window of " + n + " requests is too small to split");
        }
        Trace train = window.trace("adapt window (training)", 0, n - holdout);
        // Windows of `holdout` requests from n % holdout: the last one is exactly the held-out slice.
        Trace replay = window.trace("adapt window (check)", n % holdout, n);
        SimulationOptions lastWindow = SimulationOptions.builder().windowRequests(holdout).build();
        NextAccessTraining.Result trained = NextAccessTraining.trainAndExport(train, capacities, training, backend,
                candidate, progress);
        EvictionEvaluation.Outcome mine = EvictionEvaluation.run(candidate, replay, capacities, List.of(classical),
                training.seed(), 1, false, lastWindow);
        double candidateRatio = lastWindowMean(mine.results(), ReflexEvictionPolicy.NAME);
        double classicalRatio = lastWindowMean(mine.results(), classical);
        double incumbentRatio = Double.NaN;
        String incumbentNote = "";
        if (Files.isRegularFile(served)) {
            try {
                EvictionEvaluation.Outcome theirs = EvictionEvaluation.run(served, replay, capacities, List.of(),
                        training.seed(), 1, false, lastWindow);
                incumbentRatio = lastWindowMean(theirs.results(), ReflexEvictionPolicy.NAME);
            } catch (ModelLoadException | IllegalArgumentException | IllegalStateException e) {
                incumbentNote = "; the served model " + served + " does not load (" + e.getMessage() + ")";
            }
        }
        double bar = Double.isNaN(incumbentRatio) ? classicalRatio : Math.max(classicalRatio, incumbentRatio);
        boolean promoted = candidateRatio >= bar + minGain;
        String reason;
        if (promoted) {
            replaceAtomically(candidate, served);
            reason = String.format(java.util.Locale.ROOT, "the candidate beats %s by %.4f (at least %.4f)",
                    Double.isNaN(incumbentRatio) || classicalRatio >= incumbentRatio ? classical : "the served model",
                    candidateRatio - bar, minGain);
        } else {
            reason = String.format(java.util.Locale.ROOT, "the candidate's %.4f is short of %.4f (%s + %.4f)",
                    candidateRatio, bar + minGain,
                    Double.isNaN(incumbentRatio) || classicalRatio >= incumbentRatio ? classical : "the served model", minGain);
        }
        return new Verdict(train.length(), holdout, candidateRatio, incumbentRatio, classicalRatio, promoted,
                reason + incumbentNote, trained.trainSeconds());
    }

    /**
     * Publishes {@code candidate}'s bytes as {@code served} atomically, readable by the serving
     * process's user ({@link ModelFiles#writeAtomically}, {@link OnnxModelWriter#DEFAULT_PERMISSIONS}):
     * a hot reload reads the old file or the new one, whole.
     */
    public static void replaceAtomically(Path candidate, Path served) throws IOException {
        ModelFiles.writeAtomically(served, Files.readAllBytes(candidate), OnnxModelWriter.DEFAULT_PERMISSIONS);
    }

    /** The policy's hit ratio in its replays' last window (the held-out slice), averaged over the sizes. */
    private static double lastWindowMean(List<SimulationResult> results, String policy) {
        double sum = 0;
        int n = 0;
        for (SimulationResult r : results) {
            if (r.policy().equals(policy)) {
                double[] w = r.windowHitRatios();
                sum += w[w.length - 1];
                n++;
            }
        }
        if (n == 0) {
            throw new IllegalStateException("no " + policy + " rows in the evaluation");
        }
        return sum / n;
    }
}
