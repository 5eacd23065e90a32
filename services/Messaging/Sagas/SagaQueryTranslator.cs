using System.Linq.Expressions;
using System.Reflection;
using System.Text.Json.Serialization;
using MassTransit;
using PatientExperience.Storage;

namespace PatientExperience.Messaging.Sagas;

/// <summary>
/// Turns a saga query expression (what <c>CorrelateBy</c> and <see cref="ISagaQuery{TSaga}"/> carry) into something the document
/// store can answer. Supported: <c>s =&gt; s.CorrelationId == value</c>; equality of a property (or nested property) that the
/// collection definition lists in <c>IndexedFields</c> or <c>UniqueFields</c> with a value that does not depend on the saga;
/// a bare boolean property (<c>s =&gt; s.Escalated</c>); and any of these joined by <c>&amp;&amp;</c>. Everything else
/// (<c>||</c>, <c>!=</c>, ranges, method calls other than <c>Equals</c>, comparisons with null, unindexed fields) throws
/// <see cref="NotSupportedException"/>: correlate such events by correlation id, or index the field.
/// </summary>
public static class SagaQueryTranslator
{
    public sealed record Plan(Guid? CorrelationId, IReadOnlyList<FieldFilter> Filters);

    public static Plan Translate<TSaga>(Expression<Func<TSaga, bool>> filter, CollectionDefinition definition) where TSaga : class, ISaga
    {
        ArgumentNullException.ThrowIfNull(filter);
        ArgumentNullException.ThrowIfNull(definition);
        var indexed = definition.IndexedFields.Concat(definition.UniqueFields).ToHashSet(StringComparer.Ordinal);
        var parameter = filter.Parameters[0];
        Guid? correlationId = null;
        var filters = new List<FieldFilter>();

        void Visit(Expression node)
        {
            switch (node)
            {
                case BinaryExpression { NodeType: ExpressionType.AndAlso } and:
                    Visit(and.Left);
                    Visit(and.Right);
                    return;
                case BinaryExpression { NodeType: ExpressionType.Equal } equal:
                    AddEquality(equal.Left, equal.Right);
                    return;
                case MethodCallExpression { Method.Name: nameof(Equals), Object: { } target, Arguments.Count: 1 } call:
                    AddEquality(target, call.Arguments[0]);
                    return;
                case MethodCallExpression { Method.Name: nameof(Equals), Object: null, Arguments.Count: 2 } call:
                    AddEquality(call.Arguments[0], call.Arguments[1]);
                    return;
                case MemberExpression member when member.Type == typeof(bool) && IsSagaMember(member):
                    AddEquality(member, Expression.Constant(true));
                    return;
                default:
                    throw Unsupported(filter, $"'{node}' is not an equality on a saga property");
            }
        }

        void AddEquality(Expression left, Expression right)
        {
            if (!TryField(left, out var field, out var fieldType))
            {
                (left, right) = (right, left);
                if (!TryField(left, out field, out fieldType)) throw Unsupported(filter, $"'{left} == {right}' compares no saga property");
            }

            if (References(right, parameter)) throw Unsupported(filter, $"'{right}' depends on the saga");
            var value = Evaluate(right);
            if (value is null) throw Unsupported(filter, $"comparing '{field}' with null is not supported");
            if (fieldType.IsEnum && value.GetType() != fieldType) value = Enum.ToObject(fieldType, value);

            if (field == nameof(ISaga.CorrelationId))
            {
                var id = value is Guid g ? g : throw Unsupported(filter, "CorrelationId must be compared with a Guid");
                if (correlationId is { } other && other != id) correlationId = Guid.Empty; // contradictory: matches nothing
                else correlationId = id;
                return;
            }

            if (!indexed.Contains(field))
                throw Unsupported(filter, $"field '{field}' is not indexed in collection '{definition.Name}' (add it to IndexedFields)");
            filters.Add(FieldFilter.Eq(field, value));
        }

        bool TryField(Expression node, out string field, out Type fieldType)
        {
            field = "";
            fieldType = node.Type;
            while (node is UnaryExpression { NodeType: ExpressionType.Convert or ExpressionType.ConvertChecked } convert)
            {
                node = convert.Operand;
                fieldType = Nullable.GetUnderlyingType(node.Type) ?? node.Type;
            }

            if (node is not MemberExpression member || !IsSagaMember(member)) return false;
            var chain = new List<MemberInfo>();
            for (Expression? e = member; e is MemberExpression m; e = m.Expression) chain.Insert(0, m.Member);
            field = chain is [{ Name: nameof(ISaga.CorrelationId) }]
                ? nameof(ISaga.CorrelationId)
                : string.Join('.', chain.Select(JsonName));
            return true;
        }

        bool IsSagaMember(MemberExpression member)
        {
            Expression? e = member;
            while (e is MemberExpression m) e = m.Expression;
            return e == parameter;
        }

        Visit(filter.Body);
        return new Plan(correlationId, filters);
    }

    private static string JsonName(MemberInfo member) =>
        member.GetCustomAttribute<JsonPropertyNameAttribute>()?.Name ?? StoreJson.Options.PropertyNamingPolicy?.ConvertName(member.Name) ?? member.Name;

    private static bool References(Expression node, ParameterExpression parameter)
    {
        var finder = new ParameterFinder(parameter);
        finder.Visit(node);
        return finder.Found;
    }

    private static object? Evaluate(Expression node) => node is ConstantExpression constant
        ? constant.Value
        : Expression.Lambda<Func<object?>>(Expression.Convert(node, typeof(object))).Compile(preferInterpretation: true)();

    private static NotSupportedException Unsupported<TSaga>(Expression<Func<TSaga, bool>> filter, string reason) =>
        new($"The document saga repository cannot query {TypeCache<TSaga>.ShortName} by '{filter}': {reason}. " +
            "Supported: CorrelationId == value, and equality on fields of the saga's collection definition (IndexedFields, UniqueFields), joined by &&.");

    private sealed class ParameterFinder(ParameterExpression parameter) : ExpressionVisitor
    {
        public bool Found { get; private set; }

        protected override Expression VisitParameter(ParameterExpression node)
        {
            if (node == parameter) Found = true;
            return node;
        }
    }
}
