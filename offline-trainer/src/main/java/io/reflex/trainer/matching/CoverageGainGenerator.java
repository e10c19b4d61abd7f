package io.reflex.trainer.matching;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A MovieLens-like recommendation setting built from generated ratings, after the reference's
 * MovieLens experiment: a fixed set of offered movies (the offline nodes) and users arriving online,
 * drawn with replacement from a pool; a user has an edge to an offered movie they rated, and its
 * weight is the user's marginal gain in weighted genre coverage from being shown the movie.
 *
 * <p><b>The generated world</b> (fixed by the world seed, like the reference's fixed movie sample):
 * {@value #GENRES} genres with Zipf-like popularity; {@value #MOVIES} movies, each with 1–4 genres
 * and a log-normal popularity; a pool of {@value #USERS} users, each with a log-normal genre taste
 * (normalised to sum 1, log-σ 0.5) and a log-normal number of ratings (10–250), who rate movies with
 * probability proportional to popularity × (0.05 + taste for the movie's genres), without
 * replacement. The offered movies are drawn once among movies at least 5 pool users rated.
 *
 * <p><b>Weights.</b> A user's preference for genre {@code g} is read from their ratings:
 * {@code p_g = (ratings in g) / (ratings in their favourite genre)}, in [0, 1]. The weight of showing
 * movie {@code m} is the weighted genre coverage it gives the user,
 * {@code w(m, user) = Σ_{g ∈ genres(m)} p_g} (in (0, 4]): the marginal gain of the weighted coverage
 * function {@code Σ_g p_g · [g covered]} for a first recommendation. Unlike the reference, where the
 * gain of a movie depends on the movies already matched to the same user in the episode (a
 * submodular objective whose optimum is an integer program), each edge's gain is fixed at arrival:
 * the instance is an edge-weighted bipartite graph and its optimum an exact maximum-weight matching.
 * The world's parameters were set so that greedy's average and worst-case ratios to the optimum
 * (about 0.84 and 0.67 on 1,000 instances) resemble the reference's MovieLens figures (0.83, 0.72).
 *
 * <p>Instances: {@code online} users drawn uniformly, with replacement, from the pool users who rated
 * at least one offered movie. Immutable and thread-safe after construction.
 */
public final class CoverageGainGenerator implements InstanceGenerator {

    static final int GENRES = 15;
    static final int MOVIES = 300;
    static final int USERS = 200;
    /** Standard deviation of the log of a user's taste for a genre. */
    private static final double TASTE_SPREAD = 0.5;

    private final int offline;
    private final int online;
    /** weights[user][movie]: the gain of showing offered movie {@code movie} to pool user {@code user} (0: not rated). */
    private final double[][] weights;
    private final int[] eligibleUsers;

    /**
     * @param offline   offered movies (10 in the reference)
     * @param online    users per instance (60 in the reference)
     * @param worldSeed seed of the generated movies, users and ratings
     */
    public CoverageGainGenerator(int offline, int online, long worldSeed) {
        InstanceGenerator.checkSizes(offline, online);
        SplittableRandom random = new SplittableRandom(worldSeed);
        double[] genrePopularity = new double[GENRES];
        for (int g = 0; g < GENRES; g++) {
            genrePopularity[g] = 1 / Math.pow(g + 1, 0.8);
        }
        shuffle(genrePopularity, random);

        boolean[][] movieGenres = new boolean[MOVIES][GENRES];
        double[] moviePopularity = new double[MOVIES];
        for (int m = 0; m < MOVIES; m++) {
            double x = random.nextDouble();
            int k = x < 0.35 ? 1 : x < 0.70 ? 2 : x < 0.90 ? 3 : 4;
            for (int added = 0; added < k; added++) {
                movieGenres[m][weightedPick(genrePopularity, movieGenres[m], random)] = true;
            }
            moviePopularity[m] = Math.exp(random.nextGaussian());
        }

        double[][] taste = new double[USERS][GENRES];
        boolean[][] rated = new boolean[USERS][MOVIES];
        for (int user = 0; user < USERS; user++) {
            double sum = 0;
            for (int g = 0; g < GENRES; g++) {
                taste[user][g] = genrePopularity[g] * Math.exp(TASTE_SPREAD * random.nextGaussian());
                sum += taste[user][g];
            }
            for (int g = 0; g < GENRES; g++) {
                taste[user][g] /= sum;
            }
            int ratings = (int) Math.max(10, Math.min(250, Math.round(Math.exp(Math.log(40) + 0.8 * random.nextGaussian()))));
            // Weighted sampling without replacement (Efraimidis–Spirakis keys u^(1/w)).
            double[] keys = new double[MOVIES];
            Integer[] order = new Integer[MOVIES];
            for (int m = 0; m < MOVIES; m++) {
                double affinity = 0;
                for (int g = 0; g < GENRES; g++) {
                    if (movieGenres[m][g]) {
                        affinity += taste[user][g];
                    }
                }
                double w = moviePopularity[m] * (0.05 + affinity);
                keys[m] = Math.log(random.nextDouble()) / w;
                order[m] = m;
            }
            Arrays.sort(order, (a, b) -> Double.compare(keys[b], keys[a]));
            for (int i = 0; i < ratings; i++) {
                rated[user][order[i]] = true;
            }
        }

        List<Integer> popular = new ArrayList<>();
        for (int m = 0; m < MOVIES; m++) {
            int raters = 0;
            for (int user = 0; user < USERS; user++) {
                if (rated[user][m]) {
                    raters++;
                }
            }
            if (raters >= 5) {
                popular.add(m);
            }
        }
        if (popular.size() < offline) {
            throw new IllegalArgumentException("the generated world has only " + popular.size()
                    + " movies rated by 5 or more users; cannot offer " + offline);
        }
        int[] offered = new int[offline];
        for (int i = 0; i < offline; i++) {
            offered[i] = popular.remove(random.nextInt(popular.size()));
        }
        boolean[] isOffered = new boolean[MOVIES];
        for (int m : offered) {
            isOffered[m] = true;
        }

        this.weights = new double[USERS][offline];
        List<Integer> eligible = new ArrayList<>();
        for (int user = 0; user < USERS; user++) {
            // The user's genre preferences, read from their ratings: ratings in g / ratings in their top genre.
            int[] perGenre = new int[GENRES];
            for (int m = 0; m < MOVIES; m++) {
                if (rated[user][m]) {
                    for (int g = 0; g < GENRES; g++) {
                        if (movieGenres[m][g]) {
                            perGenre[g]++;
                        }
                    }
                }
            }
            int top = Math.max(1, Arrays.stream(perGenre).max().orElse(1));
            boolean any = false;
            for (int i = 0; i < offline; i++) {
                int m = offered[i];
                if (rated[user][m]) {
                    double gain = 0;
                    for (int g = 0; g < GENRES; g++) {
                        if (movieGenres[m][g]) {
                            gain += (double) perGenre[g] / top;
                        }
                    }
                    weights[user][i] = gain;   // > 0: the user rated m, so m's genres have ratings
                    any = true;
                }
            }
            if (any) {
                eligible.add(user);
            }
        }
        if (eligible.isEmpty()) {
            throw new IllegalStateException("no pool user rated any offered movie");
        }
        this.eligibleUsers = eligible.stream().mapToInt(Integer::intValue).toArray();
        this.offline = offline;
        this.online = online;
    }

    @Override
    public String name() {
        return "coverage";
    }

    @Override
    public int offline() {
        return offline;
    }

    @Override
    public int online() {
        return online;
    }

    /** Pool users with at least one edge (those that can arrive). */
    public int eligibleUsers() {
        return eligibleUsers.length;
    }

    @Override
    public MatchingInstance generate(SplittableRandom random) {
        double[][] rows = new double[online][];
        for (int j = 0; j < online; j++) {
            rows[j] = weights[eligibleUsers[random.nextInt(eligibleUsers.length)]];
        }
        return new MatchingInstance(rows);
    }

    private static int weightedPick(double[] weights, boolean[] taken, SplittableRandom random) {
        double total = 0;
        for (int i = 0; i < weights.length; i++) {
            if (!taken[i]) {
                total += weights[i];
            }
        }
        double x = random.nextDouble() * total;
        int last = -1;
        for (int i = 0; i < weights.length; i++) {
            if (!taken[i]) {
                last = i;
                x -= weights[i];
                if (x < 0) {
                    return i;
                }
            }
        }
        return last;
    }

    private static void shuffle(double[] a, SplittableRandom random) {
        for (int i = a.length - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            double t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
    }
}
