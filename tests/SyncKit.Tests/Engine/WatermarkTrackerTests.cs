using CsCheck;
using SyncKit.Engine.Internal;

namespace SyncKit.Tests.Engine;

public sealed class WatermarkTrackerTests
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>What happens to one record read by a run.</summary>
    private enum Fate
    {
        /// <summary>Written or skipped by the destination: done.</summary>
        Handled,

        /// <summary>Failed, then its dead letter was committed: done.</summary>
        DeadLettered,

        /// <summary>Failed and never dead-lettered (retrying, or the run ended): never done.</summary>
        Unfinished,
    }

    /// <summary>One record in read order, with what happens to it and in which order completions arrive.</summary>
    private sealed record Item(Cursor Position, Fate Fate, int CompletionOrder, bool EndsCompletionBatch, bool EndsPage);

    private sealed record Scenario(Cursor? Start, Item[] Items)
    {
        public override string ToString() =>
            $"start {Start?.ToString() ?? "none"}; " + string.Join(", ", Items.Select(i => $"{i.Position}:{i.Fate}#{i.CompletionOrder}{(i.EndsCompletionBatch ? "|" : "")}{(i.EndsPage ? "¶" : "")}"));
    }

    /// <summary>
    /// Records in read (ascending position) order, many sharing a timestamp, some re-read below the start
    /// checkpoint (the lookback); random fates, a completion order cut into random batches, and page
    /// boundaries. A record completes somewhere within <c>spread</c> of its read position: a small spread
    /// completes nearly in order, a large one in any order. Up to 900 records, so the tracker's ring buffer
    /// grows, also while records before it are already done.
    /// </summary>
    private static readonly Gen<Scenario> Scenarios =
        from count in Gen.Int[1, 900]
        from seconds in Gen.Int[0, 30].Array[count]
        from ids in Gen.Int[1, 5_000].Array[count]
        from fates in Gen.Frequency((12, Gen.Const(Fate.Handled)), (3, Gen.Const(Fate.DeadLettered)), (1, Gen.Const(Fate.Unfinished))).Array[count]
        from spread in Gen.Int[0, 1_000]
        from lateness in Gen.Int[0, spread].Array[count]
        from batchEnds in Gen.Int[0, 3].Array[count]
        from pageEnds in Gen.Int[0, 9].Array[count]
        from start in Gen.Int[-1, 30]
        let positions = seconds.Zip(ids, (s, i) => Cursor.At(T0.AddSeconds(s), i.ToString(System.Globalization.CultureInfo.InvariantCulture)))
            .Distinct().Order().ToArray()
        select new Scenario(
            start < 0 ? null : Cursor.At(T0.AddSeconds(start), "2500"),
            positions.Select((p, i) => new Item(p, fates[i], i + lateness[i], batchEnds[i] == 0, pageEnds[i] == 0)).ToArray());

    [Fact]
    public void Complete_RandomOrderAndFailures_WatermarkIsExactlyTheLowWatermark()
    {
        Scenarios.Sample(scenario =>
        {
            var tracker = new WatermarkTracker(scenario.Start);
            var model = new LowWatermarkModel(scenario.Start);
            var registered = 0;
            var sequences = new long[scenario.Items.Length];

            // The reader registers records (and a page's continuation marker) in read order, only as far as it
            // has read; completions arrive in any order, in batches, but only for records already read.
            void ReadUpTo(int index)
            {
                for (; registered <= index; registered++)
                {
                    var item = scenario.Items[registered];
                    sequences[registered] = tracker.Register(item.Position);
                    model.Register(item.Position);
                    if (item.EndsPage)
                    {
                        var next = item.Position with { Progress = "next" };
                        tracker.RegisterMarker(next);
                        model.RegisterMarker(next);
                        Check(tracker, model);
                    }
                }
            }

            var batch = new List<int>();
            foreach (var index in Enumerable.Range(0, scenario.Items.Length)
                .Where(i => scenario.Items[i].Fate != Fate.Unfinished)
                .OrderBy(i => scenario.Items[i].CompletionOrder))
            {
                ReadUpTo(index);
                batch.Add(index);
                if (scenario.Items[index].EndsCompletionBatch)
                {
                    Complete(tracker, model, batch, sequences);
                }
            }

            Complete(tracker, model, batch, sequences);
            ReadUpTo(scenario.Items.Length - 1);
            Check(tracker, model);

            if (scenario.Items.All(i => i.Fate != Fate.Unfinished))
            {
                var last = scenario.Items[^1].EndsPage ? scenario.Items[^1].Position with { Progress = "next" } : scenario.Items[^1].Position;
                ((object?)tracker.Watermark).Should().Be(Max(scenario.Start, last), "once every record is done the watermark reaches the last position");
                tracker.PendingCount.Should().Be(0);
            }
            else
            {
                var firstUnfinished = scenario.Items.First(i => i.Fate == Fate.Unfinished).Position;
                if (scenario.Start is null || firstUnfinished.CompareTo(scenario.Start) > 0)
                {
                    tracker.Watermark.Should().Match<Cursor?>(w => w == null || w.CompareTo(firstUnfinished) < 0, "the watermark never passes an unfinished record");
                }
            }
        }, print: s => s.ToString());
    }

    [Fact]
    public void Register_MoreRecordsInFlightThanTheRingHolds_KeepsEveryPosition()
    {
        // The head moves on while the window of unfinished records grows past the initial ring of 256 twice.
        var tracker = new WatermarkTracker(null);
        var sequences = new List<long>();
        for (var i = 1; i <= 2_000; i++)
        {
            sequences.Add(tracker.Register(Cursor.FromSequence(i)));
            if (i % 3 == 0)
            {
                tracker.Complete([sequences[(i / 3) - 1]]);
            }
        }

        tracker.Complete(sequences.Skip(666).Take(1_000));
        ((object?)tracker.Watermark).Should().Be(Cursor.FromSequence(1_666));
        tracker.Complete(sequences.Skip(1_666));
        ((object?)tracker.Watermark).Should().Be(Cursor.FromSequence(2_000));
        tracker.PendingCount.Should().Be(0);
    }

    [Fact]
    public void Complete_RecordsReReadBelowTheStart_NeverMoveTheWatermarkBack()
    {
        var start = Cursor.At(T0.AddSeconds(10), "5");
        var tracker = new WatermarkTracker(start);
        var old = tracker.Register(Cursor.At(T0.AddSeconds(5), "1"));

        tracker.Complete([old]).Should().Be(start);
    }

    [Fact]
    public void Complete_ASequenceNotPending_Throws()
    {
        var tracker = new WatermarkTracker(null);
        var first = tracker.Register(Cursor.At(T0, "1"));
        tracker.Complete([first]);

        var again = () => tracker.Complete([first]);
        var unknown = () => tracker.Complete([first + 1]);

        again.Should().Throw<ArgumentOutOfRangeException>("a record completed twice means the engine lost track of it");
        unknown.Should().Throw<ArgumentOutOfRangeException>();
    }

    [Fact]
    public async Task Complete_ConcurrentCompletions_WatermarkOnlyMovesForwardAndEndsAtTheLastPosition()
    {
        const int Count = 20_000;
        var tracker = new WatermarkTracker(null);
        var sequences = Enumerable.Range(1, Count).Select(i => tracker.Register(Cursor.FromSequence(i))).ToArray();
        var seen = new System.Collections.Concurrent.ConcurrentBag<(long Sequence, Cursor? Watermark)>();

        // Four workers complete interleaved slices; each checks that what it observes never goes back.
        await Task.WhenAll(Enumerable.Range(0, 4).Select(worker => Task.Run(() =>
        {
            Cursor? previous = null;
            for (var i = worker; i < Count; i += 4)
            {
                var watermark = tracker.Complete([sequences[i]]);
                if (previous is not null)
                {
                    watermark.Should().NotBeNull();
                    watermark!.CompareTo(previous).Should().BeGreaterThanOrEqualTo(0);
                }

                previous = watermark;
            }
        })));

        tracker.Watermark.Should().Be(Cursor.FromSequence(Count));
        tracker.PendingCount.Should().Be(0);
    }

    private static void Complete(WatermarkTracker tracker, LowWatermarkModel model, List<int> batch, long[] sequences)
    {
        if (batch.Count == 0)
        {
            return;
        }

        var before = tracker.Watermark;
        var after = tracker.Complete(batch.Select(i => sequences[i]).ToList());
        model.Complete(batch.Select(i => sequences[i]));
        batch.Clear();

        ((object?)after).Should().Be(tracker.Watermark);
        if (before is not null)
        {
            after.Should().NotBeNull();
            after!.CompareTo(before).Should().BeGreaterThanOrEqualTo(0, "the watermark never moves backwards");
        }

        Check(tracker, model);
    }

    private static void Check(WatermarkTracker tracker, LowWatermarkModel model)
    {
        ((object?)tracker.Watermark).Should().Be(model.Watermark);
        tracker.PendingCount.Should().Be(model.Pending);
    }

    private static Cursor? Max(Cursor? left, Cursor right) => left is not null && left.CompareTo(right) > 0 ? left : right;

    /// <summary>The definition, computed naively: the highest position of the longest done prefix, never below the start.</summary>
    private sealed class LowWatermarkModel(Cursor? start)
    {
        private readonly List<(Cursor Position, bool Done)> _entries = [];

        public Cursor? Watermark
        {
            get
            {
                var watermark = start;
                foreach (var (position, done) in _entries)
                {
                    if (!done)
                    {
                        break;
                    }

                    watermark = Max(watermark, position);
                }

                return watermark;
            }
        }

        public int Pending => _entries.Count - _entries.TakeWhile(e => e.Done).Count();

        public void Register(Cursor position) => _entries.Add((position, false));

        public void RegisterMarker(Cursor position) => _entries.Add((position, true));

        public void Complete(IEnumerable<long> sequences)
        {
            foreach (var sequence in sequences)
            {
                _entries[(int)sequence] = (_entries[(int)sequence].Position, true);
            }
        }
    }

    [Fact]
    public async Task WaitForRoomAsync_RecordsDoneBehindAnUnfinishedHead_WaitUntilTheHeadIsDone()
    {
        var tracker = new WatermarkTracker(null);
        var first = tracker.RegisterRange(4, T0, static (t0, i) => Cursor.At(t0.AddSeconds(i), "k"));
        tracker.Complete([first + 1, first + 2, first + 3]);

        var room = tracker.WaitForRoomAsync(3, CancellationToken.None);
        room.IsCompleted.Should().BeFalse("four records are above the watermark while the first is unfinished, though three are done");

        tracker.Complete([first]);
        await room;
        tracker.WaitForRoomAsync(1, CancellationToken.None).IsCompleted.Should().BeTrue();
    }
}
