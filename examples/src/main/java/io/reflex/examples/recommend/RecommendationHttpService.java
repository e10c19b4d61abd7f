package io.reflex.examples.recommend;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.reflex.recommender.data.Ratings;
import io.reflex.recommender.data.SyntheticRatings;
import io.reflex.recommender.env.RatingsSimulator;
import io.reflex.recommender.serve.RecommendationSession;
import io.reflex.recommender.serve.TreeRecommender;
import io.reflex.recommender.train.ReinforceTrainer;
import io.reflex.recommender.train.TpgrModel;
import io.reflex.recommender.tree.ItemCatalog;
import io.reflex.recommender.tree.ItemTree;
import io.reflex.recommender.tree.MatrixFactorization;
import io.reflex.recommender.tree.TreeBuilder;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A small HTTP recommendation service over the TPGR recommender, on loopback:
 * {@code POST /session} opens a session and returns its id; {@code GET /recommend?session=ID} returns
 * {@code item propensity} (the next item's external id, never repeated in the session);
 * {@code POST /feedback?session=ID&item=ITEM&reward=R} gives the user's reward in [−1, 1].
 *
 * <p>Threading: requests run on a pool of 4 threads; deciders (one per deciding thread, as the library
 * requires) are borrowed from a pool for the length of a request, and a session is locked while a
 * request uses it. The model is trained at start-up on seeded synthetic ratings (about a minute).
 */
public final class RecommendationHttpService {

    private RecommendationHttpService() {
    }

    public static void main(String[] args) throws Exception {
        int port = args.length > 0 ? Integer.parseInt(args[0]) : 8081;
        Ratings ratings = SyntheticRatings.builder().seed(1).build().generate();
        RatingsSimulator sim = new RatingsSimulator(ratings, 0);
        ItemCatalog catalog = new MatrixFactorization(8, 10, 5.0, 1).fit(ratings, sim.trainUsers());
        ItemTree tree = TreeBuilder.builder().depth(2).build().build(catalog);
        TpgrModel model = ReinforceTrainer.builder().epochs(1).build().train(sim, tree);
        Path dir = Files.createTempDirectory("reflex-recommend-example");
        List<Path> files = model.export(dir);
        Map<Long, Integer> itemIndex = new HashMap<>();
        for (int i = 0; i < catalog.items(); i++) {
            itemIndex.put(catalog.itemIds()[i], i);
        }
        TreeRecommender recommender = TreeRecommender.builder().tree(tree).models(files).temperature(1.0).build();
        int threads = 4;
        BlockingQueue<TreeRecommender.Decider> deciders = new ArrayBlockingQueue<>(threads);
        for (int t = 0; t < threads; t++) {
            deciders.add(recommender.newDecider());
        }
        Map<Long, RecommendationSession> sessions = new ConcurrentHashMap<>();
        AtomicLong ids = new AtomicLong();
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 0);
        server.setExecutor(Executors.newFixedThreadPool(threads));
        server.createContext("/session", ex -> {
            long id = ids.incrementAndGet();
            sessions.put(id, recommender.openSession());
            reply(ex, 200, Long.toString(id));
        });
        server.createContext("/recommend", ex -> {
            RecommendationSession s = sessions.get(param(ex, "session"));
            if (s == null) {
                reply(ex, 404, "no such session");
                return;
            }
            TreeRecommender.Decider decider = deciders.poll();
            if (decider == null) {
                reply(ex, 503, "busy");
                return;
            }
            try {
                String body;
                synchronized (s) {
                    int item = decider.recommend(s);
                    body = catalog.itemIds()[item] + " " + decider.lastPropensity();
                }
                reply(ex, 200, body);
            } catch (IllegalStateException e) {
                reply(ex, 409, e.getMessage());
            } finally {
                deciders.add(decider);
            }
        });
        server.createContext("/feedback", ex -> {
            RecommendationSession s = sessions.get(param(ex, "session"));
            Integer item = itemIndex.get(param(ex, "item"));
            if (s == null || item == null) {
                reply(ex, 404, "no such session or item");
                return;
            }
            try {
                synchronized (s) {
                    s.feedback(item, Float.parseFloat(query(ex).getOrDefault("reward", "0")));
                }
                reply(ex, 204, "");
            } catch (IllegalArgumentException e) {
                reply(ex, 400, e.getMessage());
            }
        });
        server.start();
        System.err.println("recommending over " + catalog.items() + " items on http://127.0.0.1:" + port);
    }

    private static Map<String, String> query(HttpExchange ex) {
        Map<String, String> q = new HashMap<>();
        String raw = ex.getRequestURI().getQuery();
        if (raw != null) {
            for (String kv : raw.split("&")) {
                int eq = kv.indexOf('=');
                if (eq > 0) {
                    q.put(kv.substring(0, eq), kv.substring(eq + 1));
                }
            }
        }
        return q;
    }

    private static long param(HttpExchange ex, String name) {
        try {
            return Long.parseLong(query(ex).getOrDefault(name, "-1"));
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static void reply(HttpExchange ex, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.sendResponseHeaders(status, status == 204 ? -1 : bytes.length);
        if (status != 204) {
            try (OutputStream out = ex.getResponseBody()) {
                out.write(bytes);
            }
        }
        ex.close();
    }
}
