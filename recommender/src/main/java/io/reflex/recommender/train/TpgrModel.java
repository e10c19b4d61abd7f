package io.reflex.recommender.train;

import io.reflex.engine.onnx.GoldenPairs;
import io.reflex.engine.onnx.OnnxModelWriter;
import io.reflex.recommender.state.ChildRows;
import io.reflex.recommender.tree.ItemTree;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A trained (or freshly initialised) TPGR policy: the item tree and one {@link LevelNetwork} per
 * level. The design choice is <em>one model per level</em>, shared by all of that level's nodes: it
 * scores a node's children as a batch of {@code branching} rows, each {@code [state ‖ child
 * embedding ‖ state ⊙ child embedding ‖ child popularity]}, so the policy costs a few kilobytes
 * whatever the catalog's size (TPGR's one-network-per-node would cost {@code branching × state}
 * floats per node, about {@code 4 · state} bytes per item).
 *
 * <p>{@link #export} writes each level as a per-row ONNX model ({@code tpgr-level-L.onnx}, input
 * {@code rows} [1, width], output {@code scores} [1, 1]) with golden pairs from the trainer's own
 * forward pass, which the engine checks when it loads them. The runtime runs it over a node's
 * {@code branching} rows at once with the state columns declared shared (every row of a decision
 * carries the same state), so the fast path multiplies them once per decision, not once per row.
 *
 * <p>Not thread-safe: even {@link #score} runs the trainer's networks, which keep their activations.
 */
public final class TpgrModel {

    /** Input name of every exported level model. */
    public static final String INPUT = "rows";
    /** Output name of every exported level model. */
    public static final String OUTPUT = "scores";

    private final ItemTree tree;
    private final LevelNetwork[] levels;

    /** A model with freshly initialised networks ({@code hidden} units, seeded). */
    public TpgrModel(ItemTree tree, int hidden, long seed) {
        this(tree, hidden, seed, 1.0);
    }

    /** A model with freshly initialised networks whose initial logits are scaled by {@code sharpness} (see {@link LevelNetwork}). */
    public TpgrModel(ItemTree tree, int hidden, long seed, double sharpness) {
        this.tree = tree;
        this.levels = new LevelNetwork[tree.depth()];
        for (int l = 0; l < levels.length; l++) {
            levels[l] = new LevelNetwork(tree.catalog().dims(), hidden, seed * 31 + l, sharpness, tree.branching());
        }
    }

    public ItemTree tree() {
        return tree;
    }

    /** The network of level {@code level}. */
    public LevelNetwork level(int level) {
        return levels[level];
    }

    /** Scores {@code rows} with the trainer's forward pass (branching rows). */
    public void score(int level, float[] rows, float[] scores) {
        levels[level].forward(rows, tree.branching(), scores);
    }

    /** File name of level {@code level}'s model. */
    public static String fileName(int level) {
        return "tpgr-level-" + level + ".onnx";
    }

    /** Writes every level's model into {@code dir}; returns the files, level by level. */
    public List<Path> export(Path dir) {
        List<Path> files = new ArrayList<>();
        int c = tree.branching();
        int width = ChildRows.width(tree.catalog().dims());
        SplittableRandom rnd = new SplittableRandom(7);
        for (int l = 0; l < levels.length; l++) {
            List<float[]> inputs = new ArrayList<>();
            List<float[]> outputs = new ArrayList<>();
            for (int g = 0; g < 4; g++) {
                float[] in = new float[width];
                for (int i = 0; i < in.length; i++) {
                    in[i] = (float) (rnd.nextDouble() * 2 - 1);
                }
                float[] out = new float[1];
                levels[l].forward(in, 1, out);
                inputs.add(in);
                outputs.add(out);
            }
            Path file = dir.resolve(fileName(l));
            OnnxModelWriter.of(levels[l].toGraph()).inputName(INPUT).outputName(OUTPUT).fixedBatch(1)
                    .producer("reflex-recommender").metadata("reflex.tpgr.level", Integer.toString(l))
                    .golden(new GoldenPairs(inputs, outputs)).write(file);
            files.add(file);
        }
        return files;
    }
}
