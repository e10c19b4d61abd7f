package io.reflex.engine.onnx;

import java.util.ArrayList;
import java.util.List;

/**
 * Input/output pairs stored in a model's metadata that every loader must reproduce, so a model that
 * was exported wrongly (or whose weights were damaged after export) is refused at load time.
 *
 * <p>Encoding, under metadata key {@value #METADATA_KEY}: pairs separated by {@code ;}, each pair
 * {@code x0,x1,...|y0,y1,...}, values written with {@link Float#toString(float)} so they round-trip
 * exactly. Immutable.
 *
 * @param inputs  one row per pair, each of the model's input width
 * @param outputs one row per pair, each of the model's output width
 */
public record GoldenPairs(List<float[]> inputs, List<float[]> outputs) {

    public static final String METADATA_KEY = "reflex.golden";

    public GoldenPairs {
        if (inputs.size() != outputs.size() || inputs.isEmpty()) {
            throw new IllegalArgumentException("golden pairs need as many inputs as outputs, and at least one; got "
                    + inputs.size() + " and " + outputs.size());
        }
        inputs = inputs.stream().map(float[]::clone).toList();
        outputs = outputs.stream().map(float[]::clone).toList();
    }

    /** The input rows, copied: the record stays immutable. */
    @Override
    public List<float[]> inputs() {
        return inputs.stream().map(float[]::clone).toList();
    }

    /** The output rows, copied. */
    @Override
    public List<float[]> outputs() {
        return outputs.stream().map(float[]::clone).toList();
    }

    public int size() {
        return inputs.size();
    }

    public String encode() {
        StringBuilder s = new StringBuilder();
        for (int p = 0; p < size(); p++) {
            if (p > 0) {
                s.append(';');
            }
            join(s, inputs.get(p));
            s.append('|');
            join(s, outputs.get(p));
        }
        return s.toString();
    }

    /** Parses {@link #encode()}'s format; a malformed value names the pair and the field. */
    public static GoldenPairs decode(String text) {
        List<float[]> in = new ArrayList<>();
        List<float[]> out = new ArrayList<>();
        String[] pairs = text.split(";");
        for (int p = 0; p < pairs.length; p++) {
            String[] sides = pairs[p].split("\\|", -1);
            if (sides.length != 2) {
                throw new IllegalArgumentException("golden pair " + p + " has no single '|' between input and output");
            }
            in.add(parse(sides[0], p, "input"));
            out.add(parse(sides[1], p, "output"));
        }
        return new GoldenPairs(in, out);
    }

    private static float[] parse(String csv, int pair, String side) {
        String[] parts = csv.split(",");
        float[] v = new float[parts.length];
        for (int i = 0; i < parts.length; i++) {
            try {
                v[i] = Float.parseFloat(parts[i].trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("golden pair " + pair + " " + side + " value " + i
                        + " is not a number: '" + parts[i] + "'");
            }
        }
        return v;
    }

    private static void join(StringBuilder s, float[] v) {
        for (int i = 0; i < v.length; i++) {
            if (i > 0) {
                s.append(',');
            }
            s.append(v[i]);
        }
    }
}
