//! The texts of the exports (the analyses page's export card, the patient page's summary).

use ecrf_core::i18n::Lang;

messages! {
    ExportMsg;
    Title => ("Export the study's data", "导出研究数据"),
    Hint => ("Files are made on this tablet from the records it holds and downloaded: CDISC ODM 1.3.2 with the whole audit trail, the analysis data sets (ADSL, ADTTE, ADRS, ADAE, ADLB and their dictionary) and one CSV per form, each set as a zip, and the printable study report. The command line makes the same files (ecrf export).",
             "文件在本设备上根据其保存的记录生成并下载：含完整稽查轨迹的 CDISC ODM 1.3.2、分析数据集（ADSL、ADTTE、ADRS、ADAE、ADLB 及数据字典）、每个表单一个 CSV（每组打包为 zip），以及可打印的研究报告。命令行工具可生成相同的文件。"),
    DataManagerOnly => ("Exports are for the data manager: sign in to the study's server with that role (below the patient list).",
                        "导出功能仅供数据管理员使用：请以该角色登录研究服务器（位于患者列表下方）。"),
    Odm => ("ODM XML (audit trail)", "ODM XML（稽查轨迹）"),
    Adam => ("Analysis data sets (zip)", "分析数据集（zip）"),
    Csv => ("CSV per form (zip)", "每个表单的 CSV（zip）"),
    Report => ("Study report (HTML, printable)", "研究报告（HTML，可打印）"),
    Bom => ("Byte-order mark in CSV files (Excel in a Chinese locale)", "CSV 文件加字节顺序标记（中文环境的 Excel）"),
    Working => ("Preparing the files: step", "正在生成文件：步骤"),
    Done => ("Downloaded:", "已下载："),
    Failed => ("The export failed:", "导出失败："),
    PatientSummary => ("Printable summary (HTML)", "可打印摘要（HTML）"),
}
