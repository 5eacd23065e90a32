using PatientExperience.Contracts.Case;
using PatientExperience.Contracts.Vocabulary;

namespace PatientExperience.Case.Organisation;

/// <summary>
/// Who to tell about a case at an escalation level, for the escalation saga and other services (gRPC ResolveRecipients).
/// <para>Levels are <c>unit</c>, <c>department</c> and <c>executive</c>. Every case has someone at every level: a level nobody
/// holds for the case's unit falls back, in this order, and the first step that names anyone wins:</para>
/// <list type="bullet">
/// <item><b>unit</b>: the unit's managers in the escalation chain; people with role <c>unit-manager</c> covering the unit
/// (else its department, else the whole facility, e.g. a house supervisor); otherwise the <b>department</b> level. So a case without a unit, or at
/// a department without units, reaches the department head at level unit.</item>
/// <item><b>department</b>: the unit's own department override; the department's heads in the chain; people with role
/// <c>department-head</c> covering the department (else the whole facility); otherwise the <b>executive</b> level. So a case
/// without a department reaches the facility's executives at every level.</item>
/// <item><b>executive</b>: the unit's executive override; the department's; the facility's executive chain; people with role
/// <c>executive</c> covering the facility; otherwise the compliance contact.</item>
/// </list>
/// <para>The role-based steps apply only when the case has a unit (resp. department). A unit the facility does not have is
/// ignored (as if none were given), and a unit implies its department (it wins over a department given with it). The list
/// is empty only for a facility the directory does not know, or one with no executive and no compliance contact at all.
/// Each recipient's <see cref="StaffRecipient.Role"/> is the role they hold for the level they were found at
/// (<c>unit-manager</c>, <c>department-head</c>, <c>executive</c>, <c>compliance</c>).</para>
/// </summary>
public interface IEscalationDirectory
{
    /// <exception cref="ArgumentException"><paramref name="level"/> is not unit, department or executive.</exception>
    Task<IReadOnlyList<StaffRecipient>> ResolveRecipientsAsync(string facilityId, string? departmentId, string? unitId, EscalationLevel level, CancellationToken ct);

    /// <summary>The facility's compliance contact: the one the chain names, else a person with role <c>compliance</c> covering the facility.</summary>
    Task<StaffRecipient?> ComplianceContactAsync(string facilityId, CancellationToken ct);

    /// <summary>
    /// Who triages a critical concern from an anonymous channel for the case's place now: the people the facility's triage rota
    /// (<see cref="TriageRota"/>) has on duty at this instant on the facility's clock, skipping anyone on leave, who no longer
    /// covers the facility or no longer holds the patient-relations or compliance role; when that is no one (no rota, a gap in
    /// it, everyone on duty away), the fallback: the patient-relations leads covering the place (the most specific coverage:
    /// unit, department, facility). Then the facility's compliance contact, if not already listed. Empty when the directory has
    /// none of them (the caller then falls back to the executive level).
    /// </summary>
    Task<IReadOnlyList<StaffRecipient>> TriageAsync(string facilityId, string? departmentId, string? unitId, CancellationToken ct);
}

/// <summary>Resolves levels from the directory store (see <see cref="IEscalationDirectory"/> for the rules).</summary>
public sealed class EscalationDirectory(DirectoryStore directory, TimeProvider clock) : IEscalationDirectory
{
    private const StaffRole UnitManagerRole = StaffRole.UnitManager;
    private const StaffRole DepartmentHeadRole = StaffRole.DepartmentHead;
    private const StaffRole ExecutiveRole = StaffRole.Executive;
    private const StaffRole ComplianceRole = StaffRole.Compliance;
    private const StaffRole PatientRelationsRole = StaffRole.PatientRelations;

    public async Task<IReadOnlyList<StaffRecipient>> ResolveRecipientsAsync(string facilityId, string? departmentId, string? unitId, EscalationLevel level, CancellationToken ct)
    {
        if (!Enum.IsDefined(level))
            throw new ArgumentException($"Unknown escalation level '{level}': expected unit, department or executive.", nameof(level));
        var facility = await directory.GetAsync(facilityId, ct);
        if (facility is null) return [];
        var chain = (await directory.GetChainAsync(facilityId, ct))?.Document ?? EscalationChain.Empty(facilityId);
        var resolver = new Resolver(directory, facility, chain, departmentId, unitId);
        return await resolver.LevelAsync(level, ct);
    }

    public async Task<StaffRecipient?> ComplianceContactAsync(string facilityId, CancellationToken ct)
    {
        var facility = await directory.GetAsync(facilityId, ct);
        if (facility is null) return null;
        var chain = (await directory.GetChainAsync(facilityId, ct))?.Document ?? EscalationChain.Empty(facilityId);
        return await new Resolver(directory, facility, chain, null, null).ComplianceAsync(ct);
    }

    public async Task<IReadOnlyList<StaffRecipient>> TriageAsync(string facilityId, string? departmentId, string? unitId, CancellationToken ct)
    {
        var facility = await directory.GetAsync(facilityId, ct);
        if (facility is null) return [];
        var chain = (await directory.GetChainAsync(facilityId, ct))?.Document ?? EscalationChain.Empty(facilityId);
        var rota = (await directory.GetRotaAsync(facilityId, ct))?.Document;
        var triage = await new Resolver(directory, facility, chain, departmentId, unitId, rota: rota, at: clock.GetUtcNow()).TriageAsync(ct);
        return triage.Recipients;
    }

    /// <summary>
    /// The department and unit a case is resolved for: a unit the facility has implies its department; a unit or department
    /// it does not have is ignored.
    /// </summary>
    public static (string? DepartmentId, string? UnitId) Place(Facility facility, string? departmentId, string? unitId)
    {
        var unitDepartment = string.IsNullOrEmpty(unitId) ? null : facility.DepartmentOfUnit(unitId);
        if (unitDepartment is not null) return (unitDepartment.Id, unitId);
        return (string.IsNullOrEmpty(departmentId) || facility.FindDepartment(departmentId) is null ? null : departmentId, null);
    }

    /// <summary>
    /// Who would be reached at <paramref name="at"/> for a case at every place of a facility (the facility itself, each department,
    /// each unit): each escalation level and the anonymous-critical triage, resolved by the same rules as
    /// <see cref="ResolveRecipientsAsync"/> and <see cref="TriageAsync"/>, with one read of the facility, its chain, its triage
    /// rota and the people. Null for a facility the directory does not know.
    /// </summary>
    public async Task<FacilityRoster?> RosterAsync(string facilityId, DateTimeOffset at, CancellationToken ct)
    {
        var facility = await directory.GetAsync(facilityId, ct);
        if (facility is null) return null;
        var chain = (await directory.GetChainAsync(facilityId, ct))?.Document ?? EscalationChain.Empty(facilityId);
        var rota = (await directory.GetRotaAsync(facilityId, ct))?.Document;
        var people = new PeopleSnapshot(directory, facility.Id);

        async Task<PlaceRoster> PlaceAsync(string? departmentId, string? unitId)
        {
            var resolver = new Resolver(directory, facility, chain, departmentId, unitId, people, rota, at);
            var triage = await resolver.TriageAsync(ct);
            return new PlaceRoster(
                await resolver.LevelAsync(EscalationLevel.Unit, ct), await resolver.LevelAsync(EscalationLevel.Department, ct),
                await resolver.LevelAsync(EscalationLevel.Executive, ct), triage.Recipients, triage.Source, await resolver.ComplianceAsync(ct));
        }

        var departments = new List<DepartmentRoster>();
        foreach (var department in facility.Departments)
        {
            var units = new List<UnitRoster>();
            foreach (var unit in department.Units) units.Add(new UnitRoster(unit, await PlaceAsync(department.Id, unit.Id)));
            departments.Add(new DepartmentRoster(department, await PlaceAsync(department.Id, null), units));
        }

        foreach (var id in rota?.PersonIds() ?? []) await people.PersonAsync(id, ct);
        return new FacilityRoster(facility, at, rota, await PlaceAsync(null, null), departments, id => people.Person(id));
    }

    public static StaffRecipient ToRecipient(Person p, StaffRole role) => ToRecipient(p, role.ToClaim());

    public static StaffRecipient ToRecipient(Person p, string role) => new()
    {
        PersonId = p.Id, Name = p.Name, Role = role, Email = p.Email, Phone = p.Phone, Pager = p.Pager, TimeZone = p.TimeZone,
    };

    /// <summary>
    /// One resolution: the case's place normalised, people read once and only when a step needs them. Triage needs the rota
    /// and the instant (<paramref name="at"/>); the levels do not.
    /// </summary>
    private sealed class Resolver
    {
        private readonly Facility _facility;
        private readonly EscalationChain _chain;
        private readonly TriageRota? _rota;
        private readonly DateTimeOffset _at;
        private readonly string? _departmentId;
        private readonly string? _unitId;
        private readonly PeopleSnapshot _people;

        public Resolver(DirectoryStore directory, Facility facility, EscalationChain chain, string? departmentId, string? unitId, PeopleSnapshot? people = null,
            TriageRota? rota = null, DateTimeOffset at = default)
        {
            _facility = facility;
            _chain = chain;
            _rota = rota;
            _at = at;
            _people = people ?? new PeopleSnapshot(directory, facility.Id);
            (_departmentId, _unitId) = Place(facility, departmentId, unitId);
        }

        private UnitEscalation? UnitEntry => _unitId is null ? null : _chain.Units.FirstOrDefault(u => u.UnitId == _unitId);

        private DepartmentEscalation? DepartmentEntry => _departmentId is null ? null : _chain.Departments.FirstOrDefault(d => d.DepartmentId == _departmentId);

        public Task<IReadOnlyList<StaffRecipient>> LevelAsync(EscalationLevel level, CancellationToken ct) => level switch
        {
            EscalationLevel.Unit => UnitAsync(ct),
            EscalationLevel.Department => DepartmentAsync(ct),
            EscalationLevel.Executive => ExecutiveAsync(ct),
            _ => throw new ArgumentOutOfRangeException(nameof(level), level, null),
        };

        private async Task<IReadOnlyList<StaffRecipient>> UnitAsync(CancellationToken ct) =>
            await FirstAsync(ct,
                () => ChainAsync(UnitEntry?.Unit, UnitManagerRole, ct),
                () => _unitId is null ? Task.FromResult<IReadOnlyList<StaffRecipient>>([]) : CoveringAsync(UnitManagerRole, ct))
            ?? await DepartmentAsync(ct);

        private async Task<IReadOnlyList<StaffRecipient>> DepartmentAsync(CancellationToken ct) =>
            await FirstAsync(ct,
                () => ChainAsync(UnitEntry?.Department, DepartmentHeadRole, ct),
                () => ChainAsync(DepartmentEntry?.Department, DepartmentHeadRole, ct),
                () => _departmentId is null ? Task.FromResult<IReadOnlyList<StaffRecipient>>([]) : CoveringAsync(DepartmentHeadRole, ct))
            ?? await ExecutiveAsync(ct);

        private async Task<IReadOnlyList<StaffRecipient>> ExecutiveAsync(CancellationToken ct) =>
            await FirstAsync(ct,
                () => ChainAsync(UnitEntry?.Executive, ExecutiveRole, ct),
                () => ChainAsync(DepartmentEntry?.Executive, ExecutiveRole, ct),
                () => ChainAsync(_chain.Executive, ExecutiveRole, ct),
                () => CoveringAsync(ExecutiveRole, ct),
                async () => await ComplianceAsync(ct) is { } compliance ? [compliance] : [])
            ?? [];

        /// <summary>
        /// Who is on duty on the rota now, else (the fallback) the patient-relations leads covering the place; then the compliance
        /// contact if not one of them. The one triage rule, for the saga and the on-call view alike.
        /// </summary>
        public async Task<TriageResolution> TriageAsync(CancellationToken ct)
        {
            var onDuty = await OnDutyAsync(ct);
            var source = onDuty.Count > 0 ? TriageSource.Rota : TriageSource.Fallback;
            var triage = (onDuty.Count > 0 ? onDuty : await CoveringAsync(PatientRelationsRole, ct)).ToList();
            if (await ComplianceAsync(ct) is { } compliance && triage.All(r => r.PersonId != compliance.PersonId)) triage.Add(compliance);
            return new TriageResolution(triage, source);
        }

        /// <summary>
        /// The people the rota has on duty at the instant on the facility's clock who can triage now: in the directory, covering
        /// the facility, holding the patient-relations or compliance role, and not on leave.
        /// </summary>
        private async Task<IReadOnlyList<StaffRecipient>> OnDutyAsync(CancellationToken ct)
        {
            if (_rota is null) return [];
            var zone = TimeZoneInfo.TryFindSystemTimeZoneById(_facility.TimeZone, out var z) ? z : TimeZoneInfo.Utc;
            var found = new List<StaffRecipient>();
            foreach (var id in _rota.OnDutyAt(_at, zone))
            {
                if (await PersonAsync(id, ct) is not { } p || !p.CoversFacility(_facility.Id) || p.OnLeave?.Includes(_at) == true) continue;
                if (TriageRoleOf(p) is { } role) found.Add(ToRecipient(p, role));
            }

            return found;
        }

        public async Task<StaffRecipient?> ComplianceAsync(CancellationToken ct)
        {
            if (_chain.ComplianceContact is { } id && await PersonAsync(id, ct) is { } named) return ToRecipient(named, ComplianceRole);
            var covering = await CoveringAsync(ComplianceRole, ct);
            return covering.Count > 0 ? covering[0] : null;
        }

        private static async Task<IReadOnlyList<StaffRecipient>?> FirstAsync(CancellationToken ct, params Func<Task<IReadOnlyList<StaffRecipient>>>[] steps)
        {
            foreach (var step in steps)
            {
                ct.ThrowIfCancellationRequested();
                var found = await step();
                if (found.Count > 0) return found;
            }

            return null;
        }

        /// <summary>The people a chain entry names, in its order, skipping ids no longer in the directory.</summary>
        private async Task<IReadOnlyList<StaffRecipient>> ChainAsync(IReadOnlyList<string>? ids, StaffRole role, CancellationToken ct)
        {
            if (ids is null || ids.Count == 0) return [];
            var found = new List<StaffRecipient>();
            foreach (var id in ids.Distinct(StringComparer.Ordinal))
            {
                if (await PersonAsync(id, ct) is { } p) found.Add(ToRecipient(p, role));
            }

            return found;
        }

        /// <summary>People with the role whose coverage is the most specific match for the case: its unit, its department, the facility.</summary>
        public async Task<IReadOnlyList<StaffRecipient>> CoveringAsync(StaffRole role, CancellationToken ct)
        {
            var withRole = (await _people.CoveringFacilityAsync(ct)).Where(p => p.HasRole(role)).ToList();
            IEnumerable<Func<Coverage, bool>> scopes =
            [
                c => _unitId is not null && c.UnitId == _unitId,
                c => _departmentId is not null && c.DepartmentId == _departmentId && string.IsNullOrEmpty(c.UnitId),
                c => string.IsNullOrEmpty(c.DepartmentId) && string.IsNullOrEmpty(c.UnitId),
            ];
            foreach (var scope in scopes)
            {
                var matching = withRole.Where(p => p.Covers.Any(c => c.FacilityId == _facility.Id && scope(c)))
                    .OrderBy(p => p.Id, StringComparer.Ordinal)
                    .Select(p => ToRecipient(p, role))
                    .ToList();
                if (matching.Count > 0) return matching;
            }

            return [];
        }

        private Task<Person?> PersonAsync(string id, CancellationToken ct) => _people.PersonAsync(id, ct);
    }

    /// <summary>The role a person triages in: patient-relations, else compliance; null for someone who holds neither.</summary>
    public static StaffRole? TriageRoleOf(Person person) =>
        person.HasRole(PatientRelationsRole) ? PatientRelationsRole : person.HasRole(ComplianceRole) ? ComplianceRole : null;

    /// <summary>The people one resolution (or one roster of many) reads, each read at most once.</summary>
    private sealed class PeopleSnapshot(DirectoryStore directory, string facilityId)
    {
        private readonly Dictionary<string, Person?> _byId = new(StringComparer.Ordinal);
        private IReadOnlyList<Person>? _covering;

        public async Task<IReadOnlyList<Person>> CoveringFacilityAsync(CancellationToken ct) =>
            _covering ??= (await directory.ListPeopleAsync(ct)).Select(s => s.Document).Where(p => p.CoversFacility(facilityId)).ToList();

        public async Task<Person?> PersonAsync(string id, CancellationToken ct)
        {
            if (!_byId.TryGetValue(id, out var person))
            {
                person = (await directory.GetPersonAsync(id, ct))?.Document;
                _byId[id] = person;
            }

            return person;
        }

        /// <summary>A person already read by this snapshot.</summary>
        public Person? Person(string id) => _byId.TryGetValue(id, out var p) ? p : _covering?.FirstOrDefault(x => x.Id == id);
    }
}

/// <summary>Who triages a critical concern from an anonymous channel, and whether the rota or the fallback named them.</summary>
public sealed record TriageResolution(IReadOnlyList<StaffRecipient> Recipients, TriageSource Source);

/// <summary>
/// Who is reached for a case at one place: each escalation level, the anonymous-critical triage (and whether the rota or the
/// fallback named it), the compliance contact.
/// </summary>
public sealed record PlaceRoster(
    IReadOnlyList<StaffRecipient> Unit, IReadOnlyList<StaffRecipient> Department, IReadOnlyList<StaffRecipient> Executive,
    IReadOnlyList<StaffRecipient> Triage, TriageSource TriageFrom, StaffRecipient? Compliance);

public sealed record UnitRoster(Unit Unit, PlaceRoster Reached);

public sealed record DepartmentRoster(Department Department, PlaceRoster Reached, IReadOnlyList<UnitRoster> Units);

/// <summary>A facility's roster (see <see cref="EscalationDirectory.RosterAsync"/>), its triage rota, and the people they name.</summary>
public sealed record FacilityRoster(
    Facility Facility, DateTimeOffset At, TriageRota? Rota, PlaceRoster Reached, IReadOnlyList<DepartmentRoster> Departments, Func<string, Person?> Person);
