using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Microsoft.AspNetCore.Authorization;
using PatientExperience.Contracts.Notification.V1;
using PatientExperience.Notification.Deliveries;
using PatientExperience.Notification.Templates;
using PatientExperience.ServiceDefaults.Security;

namespace PatientExperience.Notification.Inbox;

/// <summary>The caller's inbox over gRPC (the caller is the subject of the bearer token).</summary>
[Authorize(Policy = AuthenticationExtensions.StaffPolicy)]
public sealed class NotificationGrpcService(DeliveryStore deliveries, TemplateRenderer templates, StaffText staffText) : NotificationService.NotificationServiceBase
{
    public override async Task<GetInboxReply> GetInbox(GetInboxRequest request, ServerCallContext context)
    {
        var personId = context.GetHttpContext().User.PersonId();
        if (string.IsNullOrEmpty(personId)) throw new RpcException(new Status(StatusCode.PermissionDenied, "The token names no person (sub)."));
        var page = request.Page == 0 ? 1 : request.Page;
        var pageSize = request.PageSize == 0 ? 25 : request.PageSize;
        if (page is < 1 or > Storage.DocumentQuery.MaxPageNumber || pageSize is < 1 or > DeliveriesApi.MaxPageSize)
            throw new RpcException(new Status(StatusCode.InvalidArgument, $"page must be 1-{Storage.DocumentQuery.MaxPageNumber} and page_size 1-{DeliveriesApi.MaxPageSize}."));

        var (items, total, unread) = await InboxApi.ReadAsync(deliveries, templates, staffText, InboxOwner.Of(context.GetHttpContext().User, personId), request.UnreadOnly, page, pageSize, context.CancellationToken);
        var reply = new GetInboxReply { Total = total, Unread = unread, Page = page, PageSize = pageSize };
        reply.Items.AddRange(items.Select(i => new InboxItem
        {
            Id = i.Id.ToString(), Event = i.Event, CaseId = i.CaseId?.ToString() ?? "", CaseNumber = i.CaseNumber ?? "", FacilityId = i.FacilityId,
            Severity = i.Severity, Title = i.Title, Body = i.Body, Link = i.Link ?? "", CreatedAt = Timestamp.FromDateTimeOffset(i.CreatedAt), Read = i.Read,
        }));
        return reply;
    }
}
