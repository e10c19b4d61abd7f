package io.reflex.cli;

import io.reflex.engine.onnx.ModelLoadException;
import io.reflex.engine.onnx.OnnxModel;
import io.reflex.engine.onnx.TensorSpec;
import io.reflex.engine.policy.Backend;
import io.reflex.engine.policy.Policy;
import io.reflex.engine.policy.PolicyLoader;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code ./reflex model ...}: inspect model files. */
@Command(name = "model", mixinStandardHelpOptions = true, description = "Inspect ONNX model files.",
        subcommands = {ModelCommand.Check.class})
final class ModelCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing subcommand (try ./reflex model --help)");
    }

    @Command(name = "check", mixinStandardHelpOptions = true,
            description = "Load a model as the engine would and print the verdict; exit 1 when it is not usable.")
    static final class Check implements Callable<Integer> {

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Parameters(index = "0", paramLabel = "FILE.onnx", description = "The model file.")
        Path file;

        @Mixin
        JsonTextOption json;

        @Option(names = "--batch", defaultValue = "1", description = "Rows bound to a dynamic batch dimension (default ${DEFAULT-VALUE}).")
        long batch;

        @Option(names = "--backend", defaultValue = "auto", description = "auto, vector or onnxruntime (default ${DEFAULT-VALUE}).")
        String backend;

        @Override
        public Integer call() {
            PolicyLoader loader;
            try {
                loader = PolicyLoader.builder().batch(batch).backend(Backend.fromLabel(backend)).build();
            } catch (IllegalArgumentException e) {
                throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
            }
            Map<String, Object> verdict = new LinkedHashMap<>();
            verdict.put("ok", false);
            verdict.put("file", file.toString());
            verdict.put("inputs", List.of());
            verdict.put("outputs", List.of());
            verdict.put("fast_path", false);
            verdict.put("fast_path_status", null);
            verdict.put("backend", null);
            verdict.put("error", null);
            try {
                OnnxModel model = OnnxModel.read(file);
                verdict.put("inputs", describe(model.inputs()));
                verdict.put("outputs", describe(model.outputs()));
                verdict.put("opset", model.opset());
                try (Policy policy = loader.load(model)) {
                    verdict.put("ok", true);
                    verdict.put("fast_path", policy.backend() == Backend.VECTOR);
                    verdict.put("fast_path_status", policy.fastPathStatus());
                    verdict.put("backend", policy.backend().label());
                    verdict.put("golden_pairs", model.golden().map(g -> g.size()).orElse(0));
                }
            } catch (ModelLoadException e) {
                verdict.put("error", e.getMessage());
            }
            print(verdict);
            return Boolean.TRUE.equals(verdict.get("ok")) ? 0 : 1;
        }

        private void print(Map<String, Object> v) {
            PrintWriter out = spec.commandLine().getOut();
            if (json.enabled()) {
                Json.print(out, v);
                return;
            }
            if (Boolean.TRUE.equals(v.get("ok"))) {
                out.println("OK      " + v.get("file"));
            } else {
                out.println("NOT OK  " + v.get("error"));
            }
            out.println("inputs  " + v.get("inputs"));
            out.println("outputs " + v.get("outputs"));
            if (v.get("backend") != null) {
                out.println("backend " + v.get("backend") + " (" + v.get("fast_path_status") + ")");
            }
            out.flush();
        }

        private static List<Map<String, Object>> describe(List<TensorSpec> specs) {
            List<Map<String, Object>> list = new ArrayList<>();
            for (TensorSpec s : specs) {
                List<Object> shape = new ArrayList<>();
                for (int i = 0; i < s.rank(); i++) {
                    shape.add(s.dim(i) >= 0 ? (Object) s.dim(i) : s.dimNames().get(i));
                }
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("name", s.name());
                m.put("type", s.elementType());
                m.put("shape", shape);
                list.add(m);
            }
            return list;
        }
    }
}
