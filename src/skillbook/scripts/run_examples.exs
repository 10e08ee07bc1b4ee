# KB503's runner, started by skillbook.elixir_run (one process per run).
# Reads frames from stdin: "F <index> <size>\n<path>" starts a file; "B <index> <line> <otp> <elixir>
# <size>\n<code>" is one of its blocks ("-" for no requirement). Writes tab-separated rows to
# the file named by its argument: start/fail/skip of each block, test failures, a test count
# per file, and "done". Written for Elixir 1.14+.
defmodule SkillbookRun do
  def main([results, limit]) do
    {:ok, out} = File.open(results, [:write, :utf8])
    :persistent_term.put(:skillbook_out, out)
    limit = String.to_integer(limit) * 1000
    Code.put_compiler_option(:ignore_module_conflict, true)
    File.mkdir_p!("ebin")
    :code.add_patha(String.to_charlist(Path.expand("ebin")))
    ExUnit.start(autorun: false, formatters: [SkillbookRun.Collector], timeout: limit,
                 seed: 0, capture_log: true)
    :ok = :io.setopts(:standard_io, binary: true, encoding: :latin1)
    data = IO.binread(:stdio, :eof) |> then(fn :eof -> ""; d -> d end)
    data |> frames([]) |> Enum.reverse() |> files() |> Enum.each(&run_file(&1, limit))
    row(["done"])
    File.close(out)
  end

  def row(fields) do
    text = fields |> Enum.map(&to_string/1) |> Enum.map(&String.replace(&1, ["\t", "\n", "\r"], " "))
    IO.write(:persistent_term.get(:skillbook_out), Enum.join(text, "\t") <> "\n")
  end

  defp frames(<<>>, acc), do: acc
  defp frames(data, acc) do
    [header, rest] = :binary.split(data, "\n")
    fields = String.split(header, " ")
    size = String.to_integer(List.last(fields))
    <<body::binary-size(size), rest::binary>> = rest
    frames(rest, [{fields, body} | acc])
  end

  defp files([]), do: []
  defp files([{["F", index, _], path} | rest]) do
    {blocks, rest} = Enum.split_while(rest, fn {[kind | _], _} -> kind == "B" end)
    [{index, path, blocks} | files(rest)]
  end

  defp run_file({index, path, blocks}, limit) do
    modules = loaded_in_memory()
    apps = Enum.map(Application.started_applications(), &elem(&1, 0))
    names = Process.registered()
    Enum.each(blocks, &run_block(path, &1, limit))
    task = Task.async(fn -> ExUnit.run() end)
    case Task.yield(task, limit * 30) || Task.shutdown(task, :brutal_kill) do
      {:ok, %{total: total}} -> row(["tests", index, total])
      _ -> row(["abort", index, "the tests did not finish within #{div(limit * 30, 1000)} s"])
    end
    for {app, _, _} <- Application.started_applications(), app not in apps,
        do: Application.stop(app)
    # processes the file's code registered (system ones have registered ancestors)
    for name <- Process.registered() -- names, pid = Process.whereis(name), pid != nil,
        Enum.all?(ancestors(pid), &is_pid/1), do: Process.exit(pid, :kill)
    written = for file <- File.ls!("ebin"), do: file |> Path.rootname() |> String.to_atom()
    for module <- Enum.uniq(written ++ (loaded_in_memory() -- modules)) do
      :code.purge(module)
      :code.delete(module)
    end
    File.rm_rf!("ebin")
    File.mkdir_p!("ebin")
  end

  defp ancestors(pid) do
    case Process.info(pid, :dictionary) do
      {:dictionary, dictionary} -> Keyword.get(dictionary, :"$ancestors", [])
      nil -> []
    end
  end

  defp loaded_in_memory, do: for({module, []} <- :code.all_loaded(), do: module)

  defp run_block(path, {["B", index, line, otp, elixir, _], code}, limit) do
    cond do
      otp != "-" and String.to_integer(System.otp_release()) < String.to_integer(otp) ->
        row(["skip", index, "needs OTP #{otp} (this is OTP #{System.otp_release()})"])
      elixir != "-" and Version.compare(System.version(), full(elixir)) == :lt ->
        row(["skip", index, "needs Elixir #{elixir} (this is Elixir #{System.version()})"])
      true ->
        row(["start", index])
        compile(path, index, String.to_integer(line), code, limit)
    end
  end

  defp full(version), do: if(length(String.split(version, ".")) == 2, do: version <> ".0", else: version)

  defp compile(path, index, line, code, limit) do
    {pid, ref} = spawn_monitor(fn ->
      case Code.string_to_quoted(code, file: path, line: line) do
        {:ok, quoted} ->
          try do
            # beam files on the code path, so that peer nodes a test starts can load them
            for {module, beam} <- Code.compile_quoted(quoted, path),
                do: File.write!(Path.join("ebin", "#{module}.beam"), beam)
          rescue
            error -> exit({:raised, error, __STACKTRACE__})
          catch
            kind, value -> exit({kind, value, __STACKTRACE__})
          end
        {:error, _} -> exit(:unparsed)  # KB502 reports it
      end
    end)
    receive do
      {:DOWN, ^ref, _, _, :normal} -> :ok
      {:DOWN, ^ref, _, _, :unparsed} -> :ok
      {:DOWN, ^ref, _, _, {:raised, %CompileError{} = e, _}} ->
        row(["fail", index, e.line || line, "does not compile: " <> e.description])
      {:DOWN, ^ref, _, _, {:raised, error, stack}} ->
        row(["fail", index, at(stack, path, line), "raised " <> banner(:error, error, stack)])
      {:DOWN, ^ref, _, _, {kind, value, stack}} ->
        row(["fail", index, at(stack, path, line), banner(kind, value, stack)])
      {:DOWN, ^ref, _, _, reason} ->
        row(["fail", index, line, "exited: " <> inspect(reason, limit: 20)])
    after
      limit ->
        Process.exit(pid, :kill)
        row(["fail", index, line, "did not finish within #{div(limit, 1000)} s"])
    end
  end

  def at(stack, path, default) do
    Enum.find_value(stack, default, fn {_, _, _, info} ->
      if to_string(info[:file] || "") == path, do: info[:line]
    end)
  end

  def banner(kind, value, stack) do
    kind |> Exception.format_banner(value, stack) |> String.split("\n") |> hd() |> String.slice(0, 300)
  end
end

defmodule SkillbookRun.Collector do
  use GenServer
  def init(_), do: {:ok, nil}

  def handle_cast({:test_finished, %ExUnit.Test{state: {:failed, failures}} = test}, state) do
    name = test.name |> to_string() |> String.replace_prefix("test ", "")
    Enum.each(failures, fn {kind, reason, stack} ->
      line = SkillbookRun.at(stack, test.tags.file, test.tags.line)
      SkillbookRun.row(["test", test.tags.file, line, "test #{inspect(name)} failed: " <> message(kind, reason, stack)])
    end)
    {:noreply, state}
  end

  def handle_cast({:module_finished, %ExUnit.TestModule{state: {:failed, failures}} = module}, state) do
    line = case module.tests do
      [test | _] -> test.tags.line
      _ -> 0
    end
    Enum.each(failures, fn {kind, reason, stack} ->
      SkillbookRun.row(["test", module.file, line, "setup_all of #{inspect(module.name)} failed: " <> message(kind, reason, stack)])
    end)
    {:noreply, state}
  end

  def handle_cast(_event, state), do: {:noreply, state}

  defp message(:error, %ExUnit.AssertionError{} = e, _) do
    none = ExUnit.AssertionError.no_value()
    code = if e.expr == none, do: "", else: " (" <> Macro.to_string(e.expr) <> ")"
    sides = for {side, value} <- [left: e.left, right: e.right], value != none,
                do: "#{side}: #{inspect(value, limit: 10, printable_limit: 80)}"
    String.slice(e.message <> code <> Enum.map_join(sides, "", &("; " <> &1)), 0, 300)
  end
  defp message(kind, reason, stack), do: SkillbookRun.banner(kind, reason, stack)
end

SkillbookRun.main(System.argv())
