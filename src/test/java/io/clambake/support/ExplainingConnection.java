package io.clambake.support;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.IntFunction;

/**
 * Wraps a connection so that every statement the DAOs run is first EXPLAIN ANALYZEd with the
 * same bound values, inside a transaction that is rolled back (so a write is not done twice).
 * This captures the plans of the product's real SQL, not of a copy of it.
 */
public final class ExplainingConnection {
    public record Plan(String sql, Map<Integer, Object> params, String plan) {
        /** The statement with its bound values written in, for psql to run the same query. */
        public String inlined() throws SQLException {
            List<String> literals = literals();
            return withPlaceholders(n -> literals.get(n - 1));
        }

        /** The statement with its n-th {@code ?} (from 1) replaced by {@code placeholder(n)}. */
        private String withPlaceholders(IntFunction<String> placeholder) {
            StringBuilder out = new StringBuilder();
            int index = 0;
            for (int i = 0; i < sql.length(); i++) {
                char ch = sql.charAt(i);
                out.append(ch == '?' ? placeholder.apply(++index) : String.valueOf(ch));
            }
            return out.toString();
        }

        /** The bound values as SQL literals, in the order of their placeholders. */
        private List<String> literals() throws SQLException {
            List<String> literals = new ArrayList<>();
            for (int i = 1; i <= sql.chars().filter(ch -> ch == '?').count(); i++) {
                literals.add(literal(params.get(i)));
            }
            return literals;
        }

        /**
         * The plan PostgreSQL keeps for the statement when told to plan it once for any values
         * (plan_cache_mode force_generic_plan), run with the bound values; rolled back.
         */
        public String genericPlan(Connection c) throws SQLException {
            String numbered = withPlaceholders(n -> "$" + n);
            String arguments = String.join(", ", literals());
            boolean autoCommit = c.getAutoCommit();
            c.setAutoCommit(false);
            try (Statement s = c.createStatement()) {
                s.execute("SET LOCAL plan_cache_mode = force_generic_plan");
                s.execute("PREPARE generic_plan AS " + numbered);
                StringBuilder plan = new StringBuilder();
                try (ResultSet rs =
                        s.executeQuery("EXPLAIN (ANALYZE, BUFFERS) EXECUTE generic_plan(" + arguments + ")")) {
                    while (rs.next()) {
                        plan.append(rs.getString(1)).append('\n');
                    }
                }
                s.execute("DEALLOCATE generic_plan"); // a session's, not the transaction's
                return plan.toString();
            } finally {
                c.rollback();
                c.setAutoCommit(autoCommit);
            }
        }

        private static String literal(Object value) throws SQLException {
            if (value == null) {
                return "NULL";
            }
            if (value instanceof Number || value instanceof Boolean) {
                return value.toString();
            }
            if (value instanceof Array array) {
                StringBuilder items = new StringBuilder("ARRAY[");
                Object[] elements = (Object[]) array.getArray();
                for (int i = 0; i < elements.length; i++) {
                    items.append(i == 0 ? "" : ", ").append(literal(elements[i]));
                }
                return items.append("]::text[]").toString();
            }
            String quoted = "'" + value.toString().replace("'", "''") + "'";
            return value instanceof java.time.OffsetDateTime ? quoted + "::timestamptz" : quoted;
        }

        /**
         * True when the plan reads the whole of {@code table} row by row, or may: a function the
         * planner did not inline (a Function Scan) hides how it reads tables.
         */
        public boolean seqScans(String table) {
            return seqScans(plan, table);
        }

        public static boolean seqScans(String plan, String table) {
            return plan.contains("Function Scan") || plan.matches("(?s).*Seq Scan on " + table + "\\b.*");
        }
    }

    private final Connection target;
    private final List<Plan> plans = new ArrayList<>();

    public ExplainingConnection(Connection target) {
        this.target = target;
    }

    public List<Plan> plans() {
        return plans;
    }

    public void clear() {
        plans.clear();
    }

    public Connection connection() {
        return (Connection) Proxy.newProxyInstance(
                getClass().getClassLoader(), new Class<?>[] {Connection.class}, (proxy, method, args) -> {
                    if (method.getName().equals("prepareStatement") && args.length == 1) {
                        return statement((String) args[0]);
                    }
                    return invoke(target, method, args);
                });
    }

    private PreparedStatement statement(String sql) throws SQLException {
        PreparedStatement real = target.prepareStatement(sql);
        Map<Integer, Object> params = new TreeMap<>();
        InvocationHandler handler = (proxy, method, args) -> {
            String name = method.getName();
            if ((name.equals("setObject") || name.equals("setArray")) && args.length == 2) {
                params.put((Integer) args[0], args[1]);
            }
            if (name.equals("executeQuery") || name.equals("executeUpdate") || name.equals("execute")) {
                plans.add(new Plan(sql, new TreeMap<>(params), explain(sql, params)));
            }
            return invoke(real, method, args);
        };
        return (PreparedStatement)
                Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {PreparedStatement.class}, handler);
    }

    private String explain(String sql, Map<Integer, Object> params) throws SQLException {
        boolean autoCommit = target.getAutoCommit();
        target.setAutoCommit(false);
        try (PreparedStatement ps = target.prepareStatement("EXPLAIN (ANALYZE, BUFFERS) " + sql)) {
            for (Map.Entry<Integer, Object> p : params.entrySet()) {
                if (p.getValue() instanceof Array array) {
                    ps.setArray(p.getKey(), array);
                } else {
                    ps.setObject(p.getKey(), p.getValue());
                }
            }
            StringBuilder plan = new StringBuilder();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    plan.append(rs.getString(1)).append('\n');
                }
            }
            return plan.toString();
        } finally {
            target.rollback();
            target.setAutoCommit(autoCommit);
        }
    }

    private static Object invoke(Object target, Method method, Object[] args) throws Throwable {
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }
}
