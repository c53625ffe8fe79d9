package sqsfake_test

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/aws-sdk-go-v2/service/sqs/types"
	"github.com/aws/smithy-go"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seed-e6251c81/synqly/providers/aws/sqsfake"
)

// client is an SDK client of the fake, signing with secret.
func client(t *testing.T, s *sqsfake.Server, secret string) *sqs.Client {
	hc := s.Client()
	t.Cleanup(hc.CloseIdleConnections)
	return sqs.NewFromConfig(aws.Config{
		Region:      sqsfake.Region,
		Credentials: credentials.NewStaticCredentialsProvider(sqsfake.AccessKeyID, secret, ""),
		HTTPClient:  hc,
	}, func(o *sqs.Options) { o.BaseEndpoint = aws.String(s.URL) })
}

func fake(t *testing.T) *sqsfake.Server {
	s := sqsfake.New(sqsfake.Options{})
	t.Cleanup(s.Close)
	return s
}

func code(t *testing.T, err error) string {
	t.Helper()
	var ae smithy.APIError
	require.True(t, errors.As(err, &ae), "%v", err)
	return ae.ErrorCode()
}

// TestProducerConsumer: the SDK creates a queue, sends, receives and
// deletes, the MD5s checked by the SDK.
func TestProducerConsumer(t *testing.T) {
	s := fake(t)
	c := client(t, s, sqsfake.SecretKey)
	ctx := context.Background()
	created, err := c.CreateQueue(ctx, &sqs.CreateQueueInput{QueueName: aws.String("jobs")})
	require.NoError(t, err)
	got, err := c.GetQueueUrl(ctx, &sqs.GetQueueUrlInput{QueueName: aws.String("jobs")})
	require.NoError(t, err)
	assert.Equal(t, aws.ToString(created.QueueUrl), aws.ToString(got.QueueUrl))
	q := got.QueueUrl
	_, err = c.SendMessage(ctx, &sqs.SendMessageInput{QueueUrl: q, MessageBody: aws.String(`{"n":1}`)})
	require.NoError(t, err)
	out, err := c.SendMessageBatch(ctx, &sqs.SendMessageBatchInput{QueueUrl: q, Entries: []types.SendMessageBatchRequestEntry{
		{Id: aws.String("a"), MessageBody: aws.String(`{"n":2}`)},
		{Id: aws.String("b"), MessageBody: aws.String("bad \uFFFE char")},
	}})
	require.NoError(t, err)
	require.Len(t, out.Successful, 1)
	require.Len(t, out.Failed, 1)
	assert.Equal(t, "InvalidMessageContents", aws.ToString(out.Failed[0].Code))
	assert.True(t, out.Failed[0].SenderFault)

	recv, err := c.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: q, MaxNumberOfMessages: 10})
	require.NoError(t, err)
	require.Len(t, recv.Messages, 2)
	assert.Equal(t, `{"n":1}`, aws.ToString(recv.Messages[0].Body))
	again, err := c.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: q})
	require.NoError(t, err)
	assert.Empty(t, again.Messages, "received messages are invisible")
	for _, m := range recv.Messages {
		_, err := c.DeleteMessage(ctx, &sqs.DeleteMessageInput{QueueUrl: q, ReceiptHandle: m.ReceiptHandle})
		require.NoError(t, err)
	}
	assert.Empty(t, s.Messages(aws.ToString(q)))
	_, err = c.DeleteMessage(ctx, &sqs.DeleteMessageInput{QueueUrl: q, ReceiptHandle: aws.String("nope")})
	assert.Equal(t, "ReceiptHandleIsInvalid", code(t, err))
}

// TestBatchRules: SendMessageBatch's limits, as SQS answers them.
func TestBatchRules(t *testing.T) {
	s := fake(t)
	c := client(t, s, sqsfake.SecretKey)
	ctx := context.Background()
	q := aws.String(s.CreateQueue("rules"))
	entries := func(n, size int) []types.SendMessageBatchRequestEntry {
		var es []types.SendMessageBatchRequestEntry
		for i := range n {
			es = append(es, types.SendMessageBatchRequestEntry{Id: aws.String(strconv.Itoa(i)), MessageBody: aws.String(strings.Repeat("x", size))})
		}
		return es
	}
	_, err := c.SendMessageBatch(ctx, &sqs.SendMessageBatchInput{QueueUrl: q, Entries: entries(11, 1)})
	assert.Contains(t, code(t, err), "TooManyEntriesInBatchRequest")
	_, err = c.SendMessageBatch(ctx, &sqs.SendMessageBatchInput{QueueUrl: q, Entries: entries(3, 400<<10)})
	assert.Contains(t, code(t, err), "BatchRequestTooLong")
	_, err = c.SendMessageBatch(ctx, &sqs.SendMessageBatchInput{QueueUrl: q, Entries: entries(10, 100<<10)})
	assert.NoError(t, err, "10 messages of 100 KiB fit in 1 MiB")
	dup := entries(2, 1)
	dup[1].Id = dup[0].Id
	_, err = c.SendMessageBatch(ctx, &sqs.SendMessageBatchInput{QueueUrl: q, Entries: dup})
	assert.Contains(t, code(t, err), "BatchEntryIdsNotDistinct")
	_, err = c.SendMessageBatch(ctx, &sqs.SendMessageBatchInput{QueueUrl: aws.String(s.URL + "/" + sqsfake.AccountID + "/nope"), Entries: entries(1, 1)})
	assert.Contains(t, code(t, err), "NonExistentQueue")
}

// TestFIFO: a FIFO queue wants a group and a deduplication id, and keeps
// one message of a deduplication id.
func TestFIFO(t *testing.T) {
	s := fake(t)
	c := client(t, s, sqsfake.SecretKey)
	ctx := context.Background()
	q := aws.String(s.CreateQueue("orders.fifo"))
	out, err := c.SendMessageBatch(ctx, &sqs.SendMessageBatchInput{QueueUrl: q, Entries: []types.SendMessageBatchRequestEntry{
		{Id: aws.String("1"), MessageBody: aws.String("a"), MessageGroupId: aws.String("g"), MessageDeduplicationId: aws.String("d1")},
		{Id: aws.String("2"), MessageBody: aws.String("a"), MessageGroupId: aws.String("g"), MessageDeduplicationId: aws.String("d1")},
		{Id: aws.String("3"), MessageBody: aws.String("b"), MessageDeduplicationId: aws.String("d2")},
	}})
	require.NoError(t, err)
	assert.Len(t, out.Successful, 2)
	require.Len(t, out.Failed, 1)
	assert.Equal(t, "3", aws.ToString(out.Failed[0].Id))
	assert.Equal(t, aws.ToString(out.Successful[0].MessageId), aws.ToString(out.Successful[1].MessageId))
	assert.Len(t, s.Messages(aws.ToString(q)), 1)
}

// TestSignatures: a request signed with another secret, or by a key the
// fake does not know, is refused with 403.
func TestSignatures(t *testing.T) {
	s := fake(t)
	q := aws.String(s.CreateQueue("signed"))
	_, err := client(t, s, "not-the-secret").SendMessage(context.Background(), &sqs.SendMessageInput{QueueUrl: q, MessageBody: aws.String("x")})
	assert.Equal(t, "SignatureDoesNotMatch", code(t, err))
	other := sqs.NewFromConfig(aws.Config{Region: sqsfake.Region, HTTPClient: s.Client(),
		Credentials: credentials.NewStaticCredentialsProvider("AKIAOTHER0000000001", sqsfake.SecretKey, "")},
		func(o *sqs.Options) { o.BaseEndpoint = aws.String(s.URL) })
	_, err = other.SendMessage(context.Background(), &sqs.SendMessageInput{QueueUrl: q, MessageBody: aws.String("x")})
	assert.Equal(t, "InvalidClientTokenId", code(t, err))
	wrongRegion := sqs.NewFromConfig(aws.Config{Region: "eu-west-1", HTTPClient: s.Client(),
		Credentials: credentials.NewStaticCredentialsProvider(sqsfake.AccessKeyID, sqsfake.SecretKey, "")},
		func(o *sqs.Options) { o.BaseEndpoint = aws.String(s.URL) })
	_, err = wrongRegion.SendMessage(context.Background(), &sqs.SendMessageInput{QueueUrl: q, MessageBody: aws.String("x")})
	assert.Equal(t, "SignatureDoesNotMatch", code(t, err))
	assert.Empty(t, s.Messages(aws.ToString(q)))
}
